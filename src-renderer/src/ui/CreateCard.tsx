import { PlusOutlined } from '@ant-design/icons'

/** The dashed "create" tile that opens every card grid, as in the original studio. */
export function CreateCard({ title, hint, onClick }: { title: string; hint: string; onClick: () => void }) {
  return (
    <button type="button" className="create-card" onClick={onClick}>
      <span className="create-card-icon">
        <PlusOutlined />
      </span>
      <span className="create-card-title">{title}</span>
      <span className="create-card-hint">{hint}</span>
    </button>
  )
}
