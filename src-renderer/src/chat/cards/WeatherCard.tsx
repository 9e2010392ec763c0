import { useTranslation } from 'react-i18next'
import type { CardProps } from './types'

const ICONS: [RegExp, string][] = [
  [/thunder|storm|雷/i, '⛈️'],
  [/snow|雪/i, '❄️'],
  [/rain|shower|drizzle|雨/i, '🌧️'],
  [/fog|mist|haze|雾|霾/i, '🌫️'],
  [/overcast|cloud|阴|云/i, '⛅'],
  [/sun|clear|晴/i, '☀️']
]
export const weatherIcon = (condition: string) => ICONS.find(([re]) => re.test(condition))?.[1] ?? '🌤️'

export function WeatherCard({ data }: CardProps<'weather'>) {
  const { t } = useTranslation()
  const range = data.low !== undefined && data.high !== undefined ? `${data.low}° / ${data.high}°` : null
  return (
    <div className="card-weather">
      <div className="card-weather-now">
        <div>
          <div className="card-weather-temp">{data.temperature}°</div>
          <div className="card-weather-cond">
            {data.condition}
            {range && <span className="card-muted"> · {range}</span>}
          </div>
        </div>
        <div className="card-weather-side">
          <span className="card-weather-icon" aria-hidden="true">
            {weatherIcon(data.condition)}
          </span>
          <div className="card-weather-city">{data.city}</div>
          {data.date && <div className="card-muted">{data.date}</div>}
        </div>
      </div>
      {(data.humidity !== undefined || data.wind) && (
        <div className="card-weather-stats">
          {data.humidity !== undefined && (
            <span>
              {t('cards.humidity')} <b>{data.humidity}%</b>
            </span>
          )}
          {data.wind && (
            <span>
              {t('cards.wind')} <b>{data.wind}</b>
            </span>
          )}
        </div>
      )}
      {data.forecast?.length ? (
        <div className="card-weather-forecast">
          {data.forecast.map((d, i) => (
            <div key={i} className="card-weather-day">
              <span>{d.date}</span>
              <span>
                {weatherIcon(d.condition)} {d.condition}
              </span>
              <span className="card-muted">
                {d.low}° / {d.high}°
              </span>
            </div>
          ))}
        </div>
      ) : null}
    </div>
  )
}
