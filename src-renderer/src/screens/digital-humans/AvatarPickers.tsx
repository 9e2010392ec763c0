import { CheckCircleFilled } from '@ant-design/icons'
import { Tooltip } from 'antd'
import { useTranslation } from 'react-i18next'
import { DigitalHumanAvatar } from '../../../../digitalhuman/avatar/react-avatar'
import { LOOKS, PALETTES, paletteFor, type LookId, type PaletteId } from '../../../../digitalhuman/avatar/looks'

/** The four built-in looks as thumbnails (a form control: value / onChange). */
export function LookPicker({ value, onChange, palette }: { value?: LookId; onChange?: (v: LookId) => void; palette: PaletteId }) {
  const { t } = useTranslation()
  return (
    <div className="dh-look-picker" role="radiogroup">
      {LOOKS.map((look) => (
        <button
          key={look}
          type="button"
          role="radio"
          aria-checked={value === look}
          className={`dh-look${value === look ? ' selected' : ''}`}
          onClick={() => onChange?.(look)}
          data-testid={`dh-look-${look}`}
        >
          <DigitalHumanAvatar look={look} palette={palette} label={t(`digitalHumans.looks.${look}`)} />
          <span>{t(`digitalHumans.looks.${look}`)}</span>
        </button>
      ))}
    </div>
  )
}

/** The palettes as colour swatches. */
export function PalettePicker({ value, onChange, look }: { value?: PaletteId; onChange?: (v: PaletteId) => void; look: LookId }) {
  const { t } = useTranslation()
  return (
    <div className="dh-palette-picker" role="radiogroup">
      {PALETTES.map((p) => (
        <Tooltip key={p} title={t(`digitalHumans.palettes.${p}`)}>
          <button
            type="button"
            role="radio"
            aria-checked={value === p}
            aria-label={t(`digitalHumans.palettes.${p}`)}
            className={`dh-swatch${value === p ? ' selected' : ''}`}
            style={{ background: paletteFor(look, p).outfit }}
            onClick={() => onChange?.(p)}
            data-testid={`dh-palette-${p}`}
          >
            {value === p && <CheckCircleFilled />}
          </button>
        </Tooltip>
      ))}
    </div>
  )
}
