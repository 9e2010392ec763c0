import type { ProviderKind } from '@contract/entities'

// Brand-ish colours so providers are told apart at a glance; no logos are bundled.
const COLORS: Record<ProviderKind, string> = {
  openai: '#10a37f',
  deepseek: '#4d6bfe',
  bailian: '#ff6a00',
  doubao: '#3370ff',
  moonshot: '#16191e',
  zhipu: '#3859ff',
  siliconflow: '#7c3aed',
  ollama: '#52525b',
  lmstudio: '#4338ca',
  custom: '#8c8c8c'
}

export function ProviderMark({ kind, name, size = 28 }: { kind: ProviderKind; name: string; size?: number }) {
  const letter = [...name.trim()][0]?.toUpperCase() ?? '?'
  return (
    <span className="provider-mark" style={{ width: size, height: size, background: COLORS[kind], fontSize: size * 0.5 }}>
      {letter}
    </span>
  )
}
