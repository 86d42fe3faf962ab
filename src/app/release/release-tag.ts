import { parseHttpUrl, shownUrl } from '../../adapters/http/fetch-text.js';
import { compareVersionStrings } from '../../domain/debian-version.js';
import { boundedMatch } from '../../domain/bounded-match.js';
import { parseBuildManifest } from '../../domain/build-manifest.js';
import { errorMessage, MissingRevisionError, describeForLog } from '../../errors.js';
import { evaluateRelease, type ReleaseEvaluation } from '../../flow/release.js';
import { TriggerError, type JobTrigger, type ReleaseJobName } from '../../ports/job-trigger.js';
import { versionOfTag } from '../../release/iuk-source-versions.js';
import { fillTemplate, type JobPlan } from '../../release/jobs.js';
import type { ManifestInput } from '../../rules/release/types.js';
import { short } from '../../report/check-summary.js';
import { escapeMarkdown } from '../../report/markdown.js';
import { renderJobCheck, renderReleaseCheck, type JobStatus } from '../../report/release-check.js';
import type { JobState } from '../../report/release-subject.js';
import type { AttemptOutcome } from '../../ports/job-claims.js';
import type { RepoDeps } from '../deps.js';
import { decideJob, decideRetry, type JobDecision, type JobFacts, type Rerun } from './decide-job.js';

/** What starts the release flow for one tag. */
export interface ReleaseRequest {
  tag: string;
  /** What to read as the tagged commit: `SHA^{commit}` (a push's `after`) or `refs/tags/TAG^{commit}`. */
  rev: string;
  /** A manifest URL a release manager gave, checked against jobs.tag-apt-snapshots.manifest_hosts. */
  manifestUrl?: string;
  /** The released images are there (someone said so, or the readiness URL answered): build_IUKs need not wait. */
  ready?: boolean;
  /** The jobs to act on; all by default (a re-run of one job's check acts on that one). */
  only?: ReleaseJobName;
  /** A re-run of that job's check: the state and attempt it showed (see decideRetry). */
  retry?: Rerun;
  /**
   * The commit the request is about, when it does not come from the tag's
   * own push (a re-run, a poll, a command): the tag is read where it is now,
   * and a tag moved or deleted since starts nothing for this commit.
   */
  commit?: string;
  /** The tag was deleted: the commit it named is told so, and nothing starts. */
  deleted?: boolean;
  /** Ask the readiness URL once now, as a re-run of a waiting build_IUKs does. */
  probe?: boolean;
  /** A push of the tag: once the pushed commit is read, the tag must still name it (a late delivery may come after a move). */
  verifyTag?: boolean;
}

/** The outcome, for replies and logs. */
export interface ReleaseOutcome {
  evaluation: ReleaseEvaluation;
  jobs: JobStatus[];
  check: { url: string };
}

function lockKey(deps: RepoDeps, tag: string): string {
  return `release ${deps.repository} ${tag}`;
}

/** The tags of the release's major version, which SOURCE_VERSIONS and the previous release come from. */
async function sameMajorTags(deps: RepoDeps, tag: string): Promise<string[]> {
  const major = versionOfTag(tag).split(/[.~]/, 1)[0] ?? tag;
  return deps.release.tags(`${major}.`);
}

/**
 * A manifest fetched: what it says (valid or not, which the release check
 * judges), or why it could not be fetched at all: not published yet, most
 * often, since the tag comes before its build's artifacts.
 */
type Fetched = { input: ManifestInput } | { unavailable: string; refused?: true };

/**
 * @param given a person gave the URL (a comment, a re-run's marker): it and
 * every redirect must be on a host the deployment lists
 */
async function loadManifest(deps: RepoDeps, url: string, given: boolean): Promise<Fetched> {
  if (given) {
    const problem = manifestHostProblem(deps, url);
    if (problem !== undefined) return { unavailable: problem, refused: true };
  }
  try {
    const text = await deps.release.fetchText(
      parseHttpUrl(url),
      given ? (next) => manifestHostProblem(deps, next.href) : undefined,
    );
    return { input: { source: url, manifest: parseBuildManifest(text, url) } };
  } catch (error) {
    return { unavailable: errorMessage(error) };
  }
}

/** The release before this one, of the same major version: its manifest shows what changed. */
function previousTag(tags: readonly string[], tag: string, pattern: string): string | undefined {
  const version = versionOfTag(tag);
  return tags
    .filter((t) => boundedMatch(pattern, t) === true && compareVersionStrings(versionOfTag(t), version) < 0)
    .sort((a, b) => compareVersionStrings(versionOfTag(a), versionOfTag(b)))
    .at(-1);
}

/**
 * A manifest URL a person gave is fetched by the bot: only on the hosts
 * the deployment lists, so a comment cannot make it read its own network.
 */
export function manifestHostProblem(deps: RepoDeps, url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = parseHttpUrl(url);
  } catch (error) {
    return errorMessage(error);
  }
  const hosts = deps.defaults.jobs['tag-apt-snapshots'].manifest_hosts;
  if (hosts.includes(parsed.host)) return undefined;
  return hosts.length === 0
    ? `the deployment lists no host a manifest may come from (jobs.tag-apt-snapshots.manifest_hosts)`
    : `${parsed.host} is not a host a manifest may come from: ${hosts.join(', ')}`;
}

interface Evaluated {
  evaluation: ReleaseEvaluation;
  /** Lines for the top of the release check. */
  notes: string[];
  /** The manifest could not be fetched: where, and why; tag-apt-snapshots waits for it, polling `watch` if worth it. */
  manifestMissing?: { url: string; why: string; watch?: URL };
}

async function evaluate(deps: RepoDeps, request: ReleaseRequest): Promise<Evaluated> {
  const { tag } = request;
  const jobs = deps.defaults.jobs;
  const tags = await sameMajorTags(deps, tag);
  const template = jobs['tag-apt-snapshots'].manifest_url;
  const version = versionOfTag(tag);
  const manifestUrl = request.manifestUrl ?? (template === null ? undefined : fillTemplate(template, { tag, version }));
  const previous = previousTag(tags, tag, deps.defaults.release.tag_pattern);
  const previousUrl =
    template === null || previous === undefined
      ? undefined
      : fillTemplate(template, { tag: previous, version: versionOfTag(previous) });
  const [manifest, previousManifest] = await Promise.all([
    manifestUrl === undefined ? undefined : loadManifest(deps, manifestUrl, request.manifestUrl !== undefined),
    previousUrl === undefined ? undefined : loadManifest(deps, previousUrl, false),
  ]);
  const notes: string[] = [];
  if (previousManifest && 'unavailable' in previousManifest)
    notes.push(
      escapeMarkdown(
        `ℹ️ The manifest of the previous release, ${previous ?? ''}, could not be read (${previousManifest.unavailable}): what changed since is not shown.`,
      ),
    );
  const fetched = manifest && 'input' in manifest ? manifest.input : undefined;
  const evaluation = await evaluateRelease({
    reader: deps.source,
    tag,
    rev: request.rev,
    tags,
    defaults: deps.defaults,
    ...(fetched ? { manifest: fetched, manifestUrl: fetched.source } : {}),
    ...(manifest && 'unavailable' in manifest ? { manifestUnavailable: manifest.unavailable } : {}),
    ...(previousManifest && 'input' in previousManifest && previousManifest.input.manifest.ok
      ? { previous: previousManifest.input }
      : {}),
    ...(deps.server ? { server: deps.server } : {}),
    now: deps.now,
  });
  return {
    evaluation,
    notes,
    ...(manifestUrl !== undefined && manifest && 'unavailable' in manifest
      ? {
          manifestMissing: {
            url: manifestUrl,
            why: manifest.unavailable,
            ...(manifest.refused ? {} : { watch: parseHttpUrl(manifestUrl) }),
          },
        }
      : {}),
  };
}

function describeDecision(
  decision: JobDecision,
  plan: JobPlan,
  tag: string,
  manifestMissing?: Evaluated['manifestMissing'],
): { state: JobState; message: string } {
  switch (decision.kind) {
    case 'elsewhere':
      return {
        state: 'held',
        message: `${tag} was released from commit ${short(decision.commit)} already, and the tag was pushed again here: the job is not started twice.`,
      };
    case 'claimed':
      return claimedState(decision.attempt, decision.outcome);
    case 'unknown':
      return {
        state: 'unknown',
        message: `Attempt ${decision.attempt} was claimed, but how it went was never recorded: the bot may have stopped while starting it, or another delivery is starting it now. Look at the CI: if it has no build of ${tag} for ${plan.job}, re-run this check to start attempt ${decision.attempt + 1}.`,
      };
    case 'moved':
      return {
        state: 'held',
        message: `The tag ${tag} names commit ${short(decision.commit)} now: nothing starts for this commit.`,
      };
    case 'held':
      return {
        state: 'held',
        message:
          decision.why === 'failure'
            ? 'Not started: the release check fails. Fix the release and tag it anew, or re-run the release check.'
            : 'Not started yet: the snapshot server did not answer, so the release check could not pass. Re-run it once the server answers.',
      };
    case 'nothing':
      return { state: 'held', message: `Nothing to start: ${decision.why}.` };
    case 'no-trigger':
      return {
        state: 'held',
        message: `No trigger is configured for ${plan.job}: start it by hand with these parameters, or configure jobs.${plan.job}.trigger.`,
      };
    case 'waiting':
      return decision.for === 'manifest'
        ? {
            state: 'waiting',
            message: manifestMissing
              ? manifestMissing.watch
                ? `Waiting for the build manifest, not published yet (${manifestMissing.why}): the bot looks again, and /apt-snapshots release ${tag} MANIFEST_URL gives another URL.`
                : `Waiting for the build manifest: the one given cannot be read (${manifestMissing.why}); /apt-snapshots release ${tag} MANIFEST_URL gives another URL.`
              : `Waiting for the build manifest: comment /apt-snapshots release ${tag} MANIFEST_URL with the URL of the release build's .build-manifest.`,
          }
        : {
            state: 'waiting',
            message: `Waiting for the released images to be in the ISO history${decision.polled ? '' : ' (no readiness URL is configured to watch)'}; comment /apt-snapshots build-iuks ${tag} to start it now.`,
          };
    case 'start':
      return { state: 'starting', message: `Starting attempt ${decision.attempt}.` };
    case 'deleted':
      return {
        state: 'held',
        message: `The tag ${tag} was deleted: nothing starts for it, and what started is not undone.`,
      };
  }
}

/** A claimed attempt as the release check shows it: by the outcome the forge recorded, if any. */
function claimedState(attempt: number, outcome: AttemptOutcome | undefined): { state: JobState; message: string } {
  if (outcome === 'started')
    return { state: 'started', message: `Attempt ${attempt} started; its check links the build.` };
  if (outcome === 'failed')
    return { state: 'failed', message: `Attempt ${attempt} did not start; re-run its check to try the next one.` };
  return { state: 'starting', message: `Attempt ${attempt} was claimed; its check says how it went.` };
}

function baseStatus(deps: RepoDeps, plan: JobPlan): Pick<JobStatus, 'job' | 'parameters' | 'trigger' | 'request'> {
  const trigger = deps.release.triggers[plan.job];
  return {
    job: plan.job,
    parameters: plan.parameters,
    ...(trigger
      ? { trigger: trigger.description, request: trigger.describe({ job: plan.job, parameters: plan.parameters }) }
      : {}),
  };
}

/** Claims and triggers one attempt; the job's check says how it went. */
async function startJob(
  deps: RepoDeps,
  evaluation: ReleaseEvaluation,
  start: { plan: JobPlan; attempt: number; trigger: JobTrigger },
  given: string | undefined,
): Promise<JobStatus> {
  const { plan, attempt, trigger } = start;
  const base = baseStatus(deps, plan);
  const sha = evaluation.commit.sha;
  const log = { repository: deps.repository, tag: evaluation.tag, job: plan.job, attempt };
  const publish = (status: JobStatus) => publishJob(deps, evaluation, status, given);
  let claimed: boolean;
  try {
    claimed = await deps.release.claims.claim(evaluation.tag, plan.job, attempt, sha);
  } catch (error) {
    // GitHub may have made the claim and lost its answer: nothing starts, and a person decides.
    deps.log.warn({ ...log, err: describeForLog(error) }, 'could not tell whether the release job was claimed');
    const unknown: JobStatus = {
      ...base,
      state: 'unknown',
      attempt,
      message: `Could not tell whether attempt ${attempt} was claimed (${errorMessage(error)}): nothing was started. Re-run this check to start it.`,
    };
    await publishLogged(deps, publish, unknown, log);
    return unknown;
  }
  if (!claimed) {
    return { ...base, state: 'starting', attempt, message: `Attempt ${attempt} was claimed by another delivery.` };
  }
  try {
    await publish({ ...base, state: 'starting', attempt, message: `Starting attempt ${attempt}.` });
  } catch (error) {
    // The claim is taken: not starting now would leave it taken by nobody.
    deps.log.warn(
      { ...log, err: describeForLog(error) },
      'could not say the release job is starting; starting it all the same',
    );
  }
  let status: JobStatus;
  try {
    const started = await trigger.trigger({ job: plan.job, parameters: plan.parameters });
    status = {
      ...base,
      state: 'started',
      attempt,
      ...(started.url ? { url: started.url } : {}),
      message:
        started.status === 'started'
          ? `Started${started.id ? ` (${started.id})` : ''}.`
          : 'Taken by the CI, queued: it names no build yet.',
    };
    deps.log.info({ repository: deps.repository, tag: evaluation.tag, job: plan.job, attempt }, 'release job started');
  } catch (error) {
    const sent = error instanceof TriggerError && error.sent;
    status = {
      ...base,
      state: 'failed',
      attempt,
      message: `${errorMessage(error)}${sent ? '' : ' Nothing reached the CI.'} Re-run this check to try attempt ${attempt + 1}${sent ? ', once you have checked the CI did not start it' : ''}.`,
    };
    deps.log.warn(
      { repository: deps.repository, tag: evaluation.tag, job: plan.job, attempt, err: describeForLog(error) },
      'release job did not start',
    );
  }
  try {
    await deps.release.claims.record(
      evaluation.tag,
      plan.job,
      attempt,
      sha,
      status.state === 'started' ? 'started' : 'failed',
    );
  } catch (error) {
    // Unrecorded, the attempt reads as unknown: a re-run asks a person to look before starting it again.
    deps.log.warn(
      { repository: deps.repository, tag: evaluation.tag, job: plan.job, attempt, err: describeForLog(error) },
      'could not record how the release job went',
    );
  }
  await publishLogged(deps, publish, status, log);
  return status;
}

/** Writes a job's check after its claim: a failure is logged, never thrown, so the release check is still written. */
async function publishLogged(
  deps: RepoDeps,
  publish: (status: JobStatus) => Promise<unknown>,
  status: JobStatus,
  log: Record<string, unknown>,
): Promise<void> {
  try {
    await publish(status);
  } catch (error) {
    deps.log.warn({ ...log, err: describeForLog(error) }, 'could not write the release job check');
  }
}

/** The readiness URL of the release, when the deployment names one. */
function readinessUrl(deps: RepoDeps, evaluation: ReleaseEvaluation): URL | undefined {
  const template = deps.defaults.jobs.build_IUKs.readiness_url;
  if (template === null || evaluation.version === undefined) return undefined;
  return parseHttpUrl(fillTemplate(template, { tag: evaluation.tag, version: evaluation.version }));
}

async function readyNow(deps: RepoDeps, evaluation: ReleaseEvaluation): Promise<boolean> {
  const url = readinessUrl(deps, evaluation);
  if (url === undefined) return false;
  try {
    return await deps.release.isReady(url);
  } catch (error) {
    deps.log.warn(
      { repository: deps.repository, err: describeForLog(error) },
      'could not ask whether the images are out',
    );
    return false;
  }
}

/**
 * A job's check run, carrying the manifest URL a person gave, so that a
 * re-run keeps it (a configured one is the deployment's, found again).
 */
function publishJob(
  deps: RepoDeps,
  evaluation: ReleaseEvaluation,
  status: JobStatus,
  manifestUrl: string | undefined,
): Promise<{ id: number; url: string }> {
  return deps.forge.ensureCheck(
    renderJobCheck({
      checkName: deps.defaults.bot.check_name,
      tag: evaluation.tag,
      sha: evaluation.commit.sha,
      status,
      ...(manifestUrl === undefined ? {} : { manifestUrl }),
    }),
  );
}

/** One watch per job of a tag at a commit: a tag moved elsewhere is watched apart. */
function watchKey(deps: RepoDeps, tag: string, job: ReleaseJobName, sha: string): string {
  return `${lockKey(deps, tag)} ${job} ${sha}`;
}

/**
 * Polls `url` for a 200 past this webhook (the released images, a manifest
 * not published yet), then acts on `job` alone, for the commit the tag
 * named, which the tag must still name; gives up after `give_up_hours`,
 * saying so on the job's check unless the job was claimed meanwhile.
 */
function watchUrl(
  deps: RepoDeps,
  evaluation: ReleaseEvaluation,
  watched: { job: ReleaseJobName; url: URL; then: ReleaseRequest; giveUp: string },
): void {
  const config = deps.defaults.jobs.build_IUKs;
  const sha = evaluation.commit.sha;
  deps.release.watch.watch(
    watchKey(deps, evaluation.tag, watched.job, sha),
    {
      firstMs: config.poll_first_seconds * 1000,
      maxMs: config.poll_max_seconds * 1000,
      giveUpMs: config.give_up_hours * 3_600_000,
    },
    {
      ready: () => deps.release.isReady(watched.url),
      onReady: async () => {
        await releaseTag(await deps.refresh(), { ...watched.then, rev: sha, commit: sha, only: watched.job });
      },
      onGiveUp: async () => {
        const fresh = await deps.refresh();
        const plan = evaluation.jobs.find((j) => j.job === watched.job);
        // Another replica may have started it, on a command: its check is not to be overwritten.
        if (!plan || (await fresh.release.claims.attempts(evaluation.tag, plan.job)).length > 0) return;
        await publishJob(
          fresh,
          evaluation,
          {
            ...baseStatus(fresh, plan),
            state: 'held',
            message: `${shownUrl(watched.url)} did not lead to a start within ${config.give_up_hours} hours: ${watched.giveUp}`,
          },
          watched.then.manifestUrl,
        );
      },
    },
  );
}

/** Where the tag is now, for a request about a commit: undefined when the tag is gone. */
async function tagCommit(deps: RepoDeps, tag: string): Promise<string | undefined> {
  try {
    return (await deps.source.read(`refs/tags/${tag}^{commit}`, { files: [], dirs: [] })).commit.sha;
  } catch (error) {
    if (error instanceof MissingRevisionError) return undefined;
    throw error;
  }
}

/**
 * Judges a tag as a release, reports it, and starts the jobs it calls
 * for: once per tag, whatever the deliveries and replicas, through claims
 * on the forge. One tag at a time in this process.
 */
export function releaseTag(deps: RepoDeps, request: ReleaseRequest): Promise<ReleaseOutcome> {
  return deps.locks.run(lockKey(deps, request.tag), () => releaseTagNow(deps, request));
}

/**
 * A request about a commit (a re-run, a poll) is judged on that commit,
 * and the tag is read where it is now: gone, the request is a deletion;
 * moved, nothing starts for this commit.
 */
async function resolveRequest(deps: RepoDeps, request: ReleaseRequest): Promise<ReleaseRequest & { moved?: string }> {
  if (request.commit === undefined || request.deleted === true) return request;
  const current = await tagCommit(deps, request.tag);
  const onCommit = { ...request, rev: request.commit };
  if (current === undefined) return { ...onCommit, deleted: true };
  return current === request.commit ? onCommit : { ...onCommit, moved: current };
}

function decide(request: ReleaseRequest & { moved?: string }, facts: JobFacts): JobDecision {
  const last = facts.attempts.at(-1);
  if (request.deleted === true || request.moved !== undefined) {
    // A job that started keeps its check: deleting or moving the tag undoes nothing.
    if (last?.outcome === 'started') return { kind: 'claimed', attempt: last.attempt, outcome: 'started' };
    return request.moved === undefined ? { kind: 'deleted' } : { kind: 'moved', commit: request.moved };
  }
  return request.retry === undefined ? decideJob(facts) : decideRetry(facts, request.retry);
}

async function releaseTagNow(deps: RepoDeps, asked: ReleaseRequest): Promise<ReleaseOutcome> {
  let request = await resolveRequest(deps, asked);
  const { evaluation, notes, manifestMissing } = await evaluate(deps, request);
  const sha = evaluation.commit.sha;
  if (request.verifyTag === true) {
    const current = await tagCommit(deps, request.tag);
    if (current === undefined) request = { ...request, deleted: true };
    else if (current !== sha) request = { ...request, moved: current };
  }
  const manifestUrl = request.manifestUrl;
  const statuses: JobStatus[] = [];
  const toStart: { plan: JobPlan; attempt: number; trigger: JobTrigger }[] = [];
  for (const plan of evaluation.jobs) {
    if (request.only !== undefined && plan.job !== request.only) continue;
    const facts: JobFacts = {
      plan,
      attempts: await deps.release.claims.attempts(evaluation.tag, plan.job),
      commit: sha,
      conclusion: evaluation.verdict.conclusion,
      hasTrigger: deps.release.triggers[plan.job] !== undefined,
      ready: request.ready === true || (request.probe === true && (await readyNow(deps, evaluation))),
      polled: readinessUrl(deps, evaluation) !== undefined,
    };
    const decision = decide(request, facts);
    const { state, message } = describeDecision(decision, plan, evaluation.tag, manifestMissing);
    // A check shows the last attempt whatever it says, so that its re-run is told from a stale one.
    const attempt =
      decision.kind === 'claimed' || decision.kind === 'unknown' ? decision.attempt : facts.attempts.at(-1)?.attempt;
    const status: JobStatus = {
      ...baseStatus(deps, plan),
      state,
      message,
      ...(attempt === undefined || decision.kind === 'start' ? {} : { attempt }),
    };
    statuses.push(status);
    const trigger = deps.release.triggers[plan.job];
    if (decision.kind === 'start' && trigger) toStart.push({ plan, attempt: decision.attempt, trigger });
    else if (decision.kind !== 'claimed') await publishJob(deps, evaluation, status, manifestUrl);
    const key = watchKey(deps, evaluation.tag, plan.job, sha);
    // A manifest URL given anew replaces the one watched.
    if (decision.kind !== 'waiting' || request.manifestUrl !== undefined) deps.release.watch.cancel(key);
    if (decision.kind !== 'waiting') continue;
    const then: ReleaseRequest = {
      tag: evaluation.tag,
      rev: sha,
      ...(request.manifestUrl === undefined ? {} : { manifestUrl: request.manifestUrl }),
    };
    if (decision.for === 'readiness') {
      const url = readinessUrl(deps, evaluation);
      if (url) {
        watchUrl(deps, evaluation, {
          job: plan.job,
          url,
          then: { ...then, ready: true },
          giveUp: `comment /apt-snapshots build-iuks ${evaluation.tag} once the released images are in the ISO history.`,
        });
      }
    } else if (manifestMissing?.watch) {
      watchUrl(deps, evaluation, {
        job: plan.job,
        url: manifestMissing.watch,
        then,
        giveUp: `comment /apt-snapshots release ${evaluation.tag} MANIFEST_URL with the manifest's URL.`,
      });
    }
  }
  for (const start of toStart) {
    const started = await startJob(deps, evaluation, start, manifestUrl);
    statuses.splice(
      statuses.findIndex((s) => s.job === start.plan.job),
      1,
      started,
    );
  }
  const jobs = request.only === undefined ? statuses : await allStatuses(deps, evaluation, statuses);
  const check = await deps.forge.ensureCheck(
    renderReleaseCheck({
      checkName: deps.defaults.bot.check_name,
      evaluation,
      jobs,
      subject: { kind: 'release', tag: evaluation.tag, sha, ...(manifestUrl === undefined ? {} : { manifestUrl }) },
      notes,
    }),
  );
  deps.log.info(
    { repository: deps.repository, tag: evaluation.tag, sha, conclusion: evaluation.verdict.conclusion },
    'release checked',
  );
  return { evaluation, jobs, check };
}

/** The release check lists every job: those this run did not act on, by their claims. */
async function allStatuses(
  deps: RepoDeps,
  evaluation: ReleaseEvaluation,
  acted: readonly JobStatus[],
): Promise<JobStatus[]> {
  const statuses: JobStatus[] = [];
  for (const plan of evaluation.jobs) {
    const known = acted.find((s) => s.job === plan.job);
    if (known) {
      statuses.push(known);
      continue;
    }
    const attempts = await deps.release.claims.attempts(evaluation.tag, plan.job);
    const last = attempts.at(-1);
    statuses.push({
      ...baseStatus(deps, plan),
      ...(last
        ? { ...claimedState(last.attempt, last.outcome), attempt: last.attempt }
        : { state: 'held', message: 'Not acted on by this run: its own check says where it stands.' }),
    });
  }
  return statuses;
}
