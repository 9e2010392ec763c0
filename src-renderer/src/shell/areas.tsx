import {
  ApiOutlined,
  BarChartOutlined,
  BookOutlined,
  BulbOutlined,
  MessageOutlined,
  RobotOutlined,
  ScheduleOutlined,
  SettingOutlined,
  SmileOutlined,
  TeamOutlined,
  ToolOutlined
} from '@ant-design/icons'
import { lazy, type ComponentType, type ReactNode } from 'react'
import { AgentsScreen } from '../screens/agents/AgentsScreen'
import { KnowledgeScreen } from '../screens/knowledge/KnowledgeScreen'
import { ModelsScreen } from '../screens/models/ModelsScreen'
import { SettingsScreen } from '../screens/settings/SettingsScreen'
import { ToolsScreen } from '../screens/tools/ToolsScreen'
import type { Area } from './route'

export interface AreaDef {
  key: Area
  icon: ReactNode
  Screen: ComponentType
}

// Chat brings Markdown, math and highlighting: loaded when first opened, not with the studio.
const ChatScreen = lazy(() => import('../screens/chat/ChatScreen').then((m) => ({ default: m.ChatScreen })))
// Run output is Markdown too, and memory is rarely opened: both load on first use.
const EmployeesScreen = lazy(() => import('../screens/employees/EmployeesScreen').then((m) => ({ default: m.EmployeesScreen })))
// The registry draws avatars and speaks previews: loaded when first opened.
const DigitalHumansScreen = lazy(() => import('../screens/digital-humans/DigitalHumansScreen').then((m) => ({ default: m.DigitalHumansScreen })))
const MemoryScreen = lazy(() => import('../screens/memory/MemoryScreen').then((m) => ({ default: m.MemoryScreen })))
// The usage page draws with echarts: loaded when opened.
const UsageScreen = lazy(() => import('../screens/usage/UsageScreen').then((m) => ({ default: m.UsageScreen })))
const PeopleScreen = lazy(() => import('../screens/people/PeopleScreen').then((m) => ({ default: m.PeopleScreen })))

/** The sidebar's order; settings sits apart at the bottom. */
export const MAIN_AREAS: AreaDef[] = [
  { key: 'agents', icon: <RobotOutlined />, Screen: AgentsScreen },
  { key: 'chat', icon: <MessageOutlined />, Screen: ChatScreen },
  { key: 'models', icon: <ApiOutlined />, Screen: ModelsScreen },
  { key: 'tools', icon: <ToolOutlined />, Screen: ToolsScreen },
  { key: 'knowledge', icon: <BookOutlined />, Screen: KnowledgeScreen },
  { key: 'digitalHumans', icon: <SmileOutlined />, Screen: DigitalHumansScreen },
  { key: 'employees', icon: <ScheduleOutlined />, Screen: EmployeesScreen },
  { key: 'memory', icon: <BulbOutlined />, Screen: MemoryScreen },
  { key: 'usage', icon: <BarChartOutlined />, Screen: UsageScreen },
  { key: 'people', icon: <TeamOutlined />, Screen: PeopleScreen }
]
export const SETTINGS_AREA: AreaDef = { key: 'settings', icon: <SettingOutlined />, Screen: SettingsScreen }
export const ALL_AREAS = [...MAIN_AREAS, SETTINGS_AREA]

/**
 * The areas a person's role opens (accounts on): members chat and keep their memories; builders
 * build; admins also manage people. The owner (desktop, server token) has everything but People,
 * which exists only with accounts.
 */
export function areasFor(role: 'admin' | 'builder' | 'member', accounts: boolean): AreaDef[] {
  if (role === 'member') return MAIN_AREAS.filter((a) => a.key === 'chat' || a.key === 'memory')
  // Usage covers everyone's turns, and people are an admin's: both are admin only on the server too.
  return MAIN_AREAS.filter((a) => (a.key !== 'people' || (accounts && role === 'admin')) && (a.key !== 'usage' || role === 'admin'))
}
