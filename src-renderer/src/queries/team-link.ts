import { queryOptions, useQuery } from '@tanstack/react-query'
import type { ApiInput, ApiOutput } from '@contract/api'
import type { Api } from '../api/client'
import type { ApiError } from '../api/errors'
import { useStudio } from '../stores/hooks'
import { callUnlessForbidden } from './api-query'
import { apiKey } from './keys'
import type { ServerState } from './server-state'

export type TeamLink = ApiOutput<'teamLink.get'>

/** The team server this studio pushes to and pulls from; null: this person may not know (not an admin). */
export const teamLinkQuery = (api: Api) =>
  queryOptions<TeamLink | null, ApiError>({
    queryKey: apiKey('teamLink.get'),
    queryFn: () => callUnlessForbidden(api, 'teamLink.get', {})
  })

/**
 * One answer for every agent card's menu (read when the cards show, again when a menu opens): an
 * unchanged answer keeps its object, so an open menu does not re-render under the pointer.
 */
export const useTeamLink = () => useQuery(teamLinkQuery(useStudio().connection.api))

export async function setTeamLink({ connection: { api }, queries }: ServerState, input: ApiInput<'teamLink.set'>): Promise<TeamLink> {
  const link = await api.call('teamLink.set', input)
  queries.setQueryData(apiKey('teamLink.get'), link)
  return link
}
