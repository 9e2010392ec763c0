import type { CardProps } from './types'

export function WelcomeCard({ data, onSend }: CardProps<'welcome'>) {
  return (
    <div className="card-welcome">
      <div className="card-welcome-head">
        <div className="card-welcome-greeting">{data.greeting}</div>
        {data.image && <img src={data.image} alt="" className="card-welcome-img" />}
      </div>
      <div className="card-welcome-questions">
        {data.questions.map((q, i) => (
          <button key={i} type="button" className="card-question" onClick={() => onSend?.(q)} disabled={!onSend}>
            <span className="card-question-mark">#</span>
            {q}
          </button>
        ))}
      </div>
    </div>
  )
}
