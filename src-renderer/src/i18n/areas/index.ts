import employeesEn from './employees.en.json'
import employeesZh from './employees.zh-CN.json'
import knowledgeEn from './knowledge.en.json'
import knowledgeZh from './knowledge.zh-CN.json'
import memoryEn from './memory.en.json'
import memoryZh from './memory.zh-CN.json'
import emailEn from './email.en.json'
import emailZh from './email.zh-CN.json'
import studioUxEn from './studio-ux.en.json'
import studioUxZh from './studio-ux.zh-CN.json'
import voiceEn from './voice.en.json'
import voiceZh from './voice.zh-CN.json'
import newcomerEn from './newcomer.en.json'
import newcomerZh from './newcomer.zh-CN.json'
import digitalHumansEn from './digital-humans.en.json'
import digitalHumansZh from './digital-humans.zh-CN.json'
import backupEn from './backup.en.json'
import backupZh from './backup.zh-CN.json'
import usageEn from './usage.en.json'
import usageZh from './usage.zh-CN.json'
import chatExtrasEn from './chat-extras.en.json'
import chatExtrasZh from './chat-extras.zh-CN.json'
import speechModelsEn from './speech-models.en.json'
import speechModelsZh from './speech-models.zh-CN.json'
import peopleEn from './people.en.json'
import peopleZh from './people.zh-CN.json'
import errorsEn from './errors.en.json'
import errorsZh from './errors.zh-CN.json'
import onboardingEn from './onboarding.en.json'
import onboardingZh from './onboarding.zh-CN.json'
import kioskEn from './kiosk.en.json'
import kioskZh from './kiosk.zh-CN.json'
import teamConnectEn from './team-connect.en.json'
import teamConnectZh from './team-connect.zh-CN.json'
import teamSyncEn from './team-sync.en.json'
import teamSyncZh from './team-sync.zh-CN.json'
import chatBranchesEn from './chat-branches.en.json'
import chatBranchesZh from './chat-branches.zh-CN.json'
import rareErrorsEn from './rare-errors.en.json'
import rareErrorsZh from './rare-errors.zh-CN.json'
import ingestErrorsEn from './ingest-errors.en.json'
import ingestErrorsZh from './ingest-errors.zh-CN.json'

type Tree = { [key: string]: string | Tree }

/**
 * Strings of whole areas live in their own files, so two people can add screens without editing
 * the same big resource file. They merge into the main tree (a key of both: the area file wins).
 */
export const areaStrings: Record<'zh-CN' | 'en', Tree[]> = {
  'zh-CN': [
    knowledgeZh,
    employeesZh,
    memoryZh,
    emailZh,
    studioUxZh,
    voiceZh,
    newcomerZh,
    digitalHumansZh,
    backupZh,
    usageZh,
    chatExtrasZh,
    speechModelsZh,
    peopleZh,
    errorsZh,
    onboardingZh,
    kioskZh,
    teamConnectZh,
    teamSyncZh,
    chatBranchesZh,
    rareErrorsZh,
    ingestErrorsZh
  ],
  en: [
    knowledgeEn,
    employeesEn,
    memoryEn,
    emailEn,
    studioUxEn,
    voiceEn,
    newcomerEn,
    digitalHumansEn,
    backupEn,
    usageEn,
    chatExtrasEn,
    speechModelsEn,
    peopleEn,
    errorsEn,
    onboardingEn,
    kioskEn,
    teamConnectEn,
    teamSyncEn,
    chatBranchesEn,
    rareErrorsEn,
    ingestErrorsEn
  ]
}

function merge(base: Tree, extra: Tree): Tree {
  const out: Tree = { ...base }
  for (const [key, value] of Object.entries(extra)) {
    const cur = out[key]
    out[key] = typeof value === 'object' && typeof cur === 'object' ? merge(cur, value) : value
  }
  return out
}

export const withAreas = <T extends object>(base: T, language: 'zh-CN' | 'en'): T => areaStrings[language].reduce<Tree>(merge, base as Tree) as T
