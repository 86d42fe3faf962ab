/** The jobs a release starts, by the names their CI knows them by. */
export type ReleaseJobName = 'tag-apt-snapshots' | 'build_IUKs';

/** Every job the bot starts: the release's, and the expiry watch's bump of Valid-Until. */
export type JobName = ReleaseJobName | 'bump-valid-until';

/** One start of a job: its parameters, every value a string as CI forms take them. */
export interface JobRequest {
  job: JobName;
  parameters: Readonly<Record<string, string>>;
}

/**
 * The request a trigger would send, for `--dry-run` and for the check run:
 * never a credential, only where and what.
 */
export interface DescribedRequest {
  /** The HTTP method; `exec` for a local command. */
  method: string;
  /** Without credentials (no user:password, no token in the query); a local command's argv, quoted as a shell would. */
  url: string;
  /** What the CI receives as the job's inputs, as it will receive them. */
  parameters: Readonly<Record<string, string>>;
  /** Header names the request carries (values left out: some are secrets). */
  headers: string[];
}

/** What the CI said once it took the job. */
export interface TriggeredJob {
  /** `started`: the CI named a build; `queued`: it accepted the job and has not started it yet. */
  status: 'started' | 'queued';
  /** Where a person follows it: the build's page once known, else the queue item, pipeline or workflow page. */
  url?: string;
  /** The CI's own identifier of the build, pipeline or run, when it gave one. */
  id?: string;
}

/**
 * Starts a job on some CI. One adapter per kind of CI, all held to the same
 * contract; credentials come from the deployment's environment, never from
 * a repository.
 */
export interface JobTrigger {
  /** A name for messages: "Jenkins at https://jenkins.example.org, job build_IUKs". */
  readonly description: string;
  describe(request: JobRequest): DescribedRequest;
  /** @throws TriggerError */
  trigger(request: JobRequest): Promise<TriggeredJob>;
}

/**
 * A trigger that did not start its job. `sent` says whether the CI may have
 * taken the job all the same: an answer that never came, a connection cut
 * after sending, a 5xx (a proxy may answer 502 after the CI queued the
 * job), a command that ran and failed. A retry might then start the job
 * twice, so only a person decides to retry. It is false when the job
 * certainly did not start: the request never left (connection refused,
 * unknown host, bad input) or the CI refused it outright (a 4xx, a redirect).
 * `status` is the HTTP status of the answer, when one came.
 */
export class TriggerError extends Error {
  override name = 'TriggerError';
  readonly status: number | undefined;
  readonly sent: boolean;
  constructor(message: string, options: { status?: number; sent: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.sent = options.sent;
  }
}
