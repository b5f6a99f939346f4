/**
 * A count of the statements this process sent that may write (anything but a SELECT),
 * kept by a Kysely plugin on every database the store opens. The cache epochs' reading is
 * shared by the requests of one event-loop turn (cache-epochs.ts); a write by this process
 * in that turn (the REST API revoking a token, say) makes the next request read anew, so
 * a change is never missed by a request that follows it here, however quickly.
 */
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely'

let writes = 0

/** Statements sent so far that may have written. */
export function localWrites(): number {
  return writes
}

/** Counts a statement run without the builder (compiled.ts) that may write. */
export function noteLocalWrite(): void {
  writes++
}

/** Counts every statement but a SELECT as it is compiled. */
export const countLocalWrites: KyselyPlugin = {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (args.node.kind !== 'SelectQueryNode') writes++
    return args.node
  },
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result)
  },
}
