// The kiosk's own words in its two languages; the agent's words (welcome, quick phrases) are the agent's.
export type KioskLang = 'zh-CN' | 'en'

const zh = {
  lang: 'zh-CN' as KioskLang,
  idle: '您好，请问有什么可以帮您？',
  listening: '正在聆听…',
  thinking: '正在思考…',
  speaking: '正在讲话…',
  placeholder: '输入您的问题',
  send: '发送',
  talk: '按住说话',
  release: '松开发送',
  micDenied: '无法使用麦克风，请用文字提问',
  micOff: '麦克风未开启',
  micInsecure: '此页面不能使用麦克风（需要 https 或本机地址），请用文字提问',
  speakAnyTime: '请直接说话，我在听',
  vadFailed: '自动聆听暂不可用，请按住按钮说话',
  heardNothing: '没有听清，请再说一次或输入文字',
  speechFailed: '语音暂不可用，请看字幕',
  failed: '出错了：'
}
const en: typeof zh = {
  lang: 'en',
  idle: 'Hello! How can I help you?',
  listening: 'Listening…',
  thinking: 'Thinking…',
  speaking: 'Speaking…',
  placeholder: 'Type your question',
  send: 'Send',
  talk: 'Hold to talk',
  release: 'Release to send',
  micDenied: 'The microphone is not available: please type your question',
  micOff: 'Microphone off',
  micInsecure: 'This page cannot use the microphone (it needs https or this computer): please type your question',
  speakAnyTime: 'Just speak, I am listening',
  vadFailed: 'Hands-free listening is unavailable: hold the button to talk',
  heardNothing: 'I did not catch that: please say it again or type it',
  speechFailed: 'Speech is unavailable right now: see the subtitles',
  failed: 'Something went wrong: '
}

export type KioskStrings = typeof zh

/** `?lang=` first, then the agent's own language (Chinese characters in its name or welcome), then the browser's. */
export function kioskLang(query: string | null, agentText: string, browser: string): KioskLang {
  if (query === 'en' || query === 'zh-CN') return query
  if (/[\u4e00-\u9fff]/.test(agentText)) return 'zh-CN'
  return browser.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

export const kioskStrings = (lang: KioskLang): KioskStrings => (lang === 'en' ? en : zh)
