import type { ReactNode } from 'react'

/** One block of the editor's left column, as the original lays out prompt, tools, knowledge… */
export function Section({
  icon,
  title,
  extra,
  children,
  testId
}: {
  icon: ReactNode
  title: ReactNode
  extra?: ReactNode
  children: ReactNode
  testId?: string
}) {
  return (
    <section className="ws-section" data-testid={testId}>
      <div className="ws-section-head">
        <h3>
          {icon}
          {title}
        </h3>
        {extra}
      </div>
      {children}
    </section>
  )
}
