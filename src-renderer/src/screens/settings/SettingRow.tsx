import type { ReactNode } from 'react'

/** One line of a settings card: label and help on the left, the control on the right. */
export function SettingRow({ label, help, children }: { label: ReactNode; help?: ReactNode; children: ReactNode }) {
  return (
    <div className="setting-row">
      <div className="setting-label">
        <div>{label}</div>
        {help && <div className="setting-help">{help}</div>}
      </div>
      <div className="setting-control">{children}</div>
    </div>
  )
}

export function SettingCard({ title, icon, children, testId }: { title: ReactNode; icon: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="setting-card" data-testid={testId}>
      <h3 className="setting-card-title">
        {icon}
        {title}
      </h3>
      {children}
    </section>
  )
}
