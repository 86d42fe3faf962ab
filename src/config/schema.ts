import { z } from 'zod';
import { ORIGIN_NAME_RE } from '../domain/origin.js';

const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..') && !p.endsWith('/'), {
    message: 'must be a relative path inside the repository, without "..", a leading or a trailing "/"',
  });

const branchName = z
  .string()
  .min(1)
  .regex(/^[^\s~^:?*[\\]+$/, 'is not a valid Git branch name');
const originName = z.string().regex(ORIGIN_NAME_RE, 'is not a valid origin name');

const regexSource = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not a valid regular expression' },
);

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
/**
 * Where a trigger sends a request: the credentials come from `*_env`, so a
 * URL carrying any (user:password, a token in the query) is refused, as is
 * a fragment, which would never be sent.
 */
const triggerUrl = httpUrl.refine(
  (u) => {
    const url = new URL(u);
    return url.username === '' && url.password === '' && url.search === '' && url.hash === '';
  },
  { message: 'must not contain credentials, a query or a fragment (credentials come from the *_env variables)' },
);

/** "." and ".." would be resolved away by URL parsing and reach another path. */
const noDotSegment = (value: string) => !value.split('/').some((segment) => segment === '.' || segment === '..');

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable');
const timeoutMs = z.number().int().min(100).max(600_000);

/** A URL with `{tag}` and `{version}` in it, an http(s) URL once they are filled in. */
const urlTemplate = z
  .string()
  .refine((t) => httpUrl.safeParse(t.replaceAll('{tag}', '4.19-rc1').replaceAll('{version}', '4.19~rc1')).success, {
    message: 'must be an http(s) URL, with {tag} and {version} where the release goes',
  })
  .refine((t) => !/\{(?!tag\}|version\})[^}]*\}/.test(t), { message: 'only {tag} and {version} are filled in' });

/**
 * How a job is started. Credentials are named, never written: each `*_env`
 * is the environment variable of the deployment that holds the secret.
 */
export const triggerSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('jenkins'),
    url: triggerUrl,
    /** The job's name; a job in a folder is `folder/job`. */
    job: z
      .string()
      .regex(/^[^/?#\s]+(\/[^/?#\s]+)*$/, 'must be a Jenkins job name, `folder/job` in a folder')
      .refine(noDotSegment, { message: 'must not have a "." or ".." segment' }),
    user_env: envName,
    token_env: envName,
    timeout_ms: timeoutMs,
    /** How long to follow the queue item until Jenkins names the build. */
    queue_timeout_ms: z.number().int().min(0).max(3_600_000),
  }),
  z.strictObject({
    type: z.literal('gitlab'),
    url: triggerUrl,
    /** The numeric id or the path (`tails/tails`) of the project whose pipeline runs the job. */
    project: z.union([
      z.number().int().positive(),
      z.string().regex(/^[^\s/]+(\/[^\s/]+)+$/, 'must be a project path like group/project'),
    ]),
    ref: z.string().min(1),
    token_env: envName,
    timeout_ms: timeoutMs,
  }),
  z.strictObject({
    type: z.literal('github-actions'),
    api_url: triggerUrl,
    repository: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name')
      .refine(noDotSegment, { message: 'must not have a "." or ".." segment' }),
    /** The workflow's file name (`build-iuks.yml`) or id. */
    workflow: z.union([
      z.number().int().positive(),
      z.string().regex(/^[A-Za-z0-9_.-]+\.ya?ml$/, 'must be a workflow file name'),
    ]),
    ref: z.string().min(1),
    token_env: envName,
    timeout_ms: timeoutMs,
  }),
  z.strictObject({
    type: z.literal('webhook'),
    url: triggerUrl,
    /** The HMAC-SHA256 key the receiver checks the body with. */
    secret_env: envName,
    timeout_ms: timeoutMs,
  }),
  z.strictObject({
    type: z.literal('command'),
    /** The program and its arguments, run without a shell; the parameters come as environment variables. */
    argv: z.array(z.string().min(1)).min(1),
    timeout_ms: timeoutMs,
  }),
]);

export const snapshotSetSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a short lowercase name'),
  dir: relativePath,
  freeze_exceptions: z.array(originName),
  thaws: z.boolean(),
});

export const configSchema = z
  .strictObject({
    branches: z.strictObject({
      base: z.array(branchName).min(1),
      development: z.array(branchName),
      release: z.array(branchName),
      always_frozen: z.array(branchName),
      port_pattern: regexSource.nullable(),
    }),
    snapshot_sets: z
      .array(snapshotSetSchema)
      .min(1)
      .refine((sets) => new Set(sets.map((s) => s.name)).size === sets.length, { message: 'set names must be unique' })
      .refine((sets) => new Set(sets.map((s) => s.dir)).size === sets.length, {
        message: 'set directories must be unique',
      }),
    paths: z.strictObject({
      base_branch: relativePath,
      changelog: relativePath,
      overlays: relativePath,
      apt_preferences: relativePath,
    }),
    freeze_exception: z.strictObject({
      explanation_prefix: z.string().min(1),
    }),
    snapshot_server: z.strictObject({
      url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
      dists: z.record(originName, z.string().regex(/^[a-z0-9][a-z0-9./+-]*$/, 'is not a valid dist')),
      timeout_ms: z.number().int().min(100).max(300_000),
      retries: z.number().int().min(0).max(10),
      expiry_warning_days: z.number().int().min(0).max(3650),
    }),
    release: z.strictObject({
      /** Tags that are releases; any other tag is ignored. */
      tag_pattern: regexSource,
      /** A pinned snapshot must stay valid this many days after the release check. */
      availability_days: z.number().int().min(0).max(3650),
      /** The snapshot set a build manifest's origin_references describe (the builder VM's set is not in it). */
      manifest_set: z.string().min(1),
      iuk: z.strictObject({
        /** Versions that no IUK upgrades from, as versions (4.19~beta1) or tags (4.19-beta1). */
        ignore_versions: z.array(z.string().regex(/^[0-9][A-Za-z0-9.+~-]*$/, 'is not a version')),
        /** EXTRA_ARGS of build_IUKs, passed to tails-create-iuk. */
        extra_args: z.string().max(1000),
      }),
    }),
    jobs: z.strictObject({
      'tag-apt-snapshots': z.strictObject({
        trigger: triggerSchema.nullable(),
        /** Where the release's build manifest is, e.g. the artifact of the CI build of the tag. */
        manifest_url: urlTemplate.nullable(),
        /** Hosts a release manager may give a manifest URL on (`/apt-snapshots release TAG URL`). */
        manifest_hosts: z.array(z.string().regex(/^[a-z0-9.-]+(:\d+)?$/, 'must be a host name (and port)')),
      }),
      build_IUKs: z.strictObject({
        trigger: triggerSchema.nullable(),
        /** Answers 200 once the released images are in the ISO history; the job waits for it. */
        readiness_url: urlTemplate.nullable(),
        /** First wait between two polls, and the longest; the wait doubles in between. */
        poll_first_seconds: z.number().int().min(1).max(3600),
        poll_max_seconds: z.number().int().min(1).max(86_400),
        /** After this long without a 200, the job is not started: `/apt-snapshots build-iuks TAG` starts it. */
        give_up_hours: z.number().min(0).max(720),
      }),
      'bump-valid-until': z.strictObject({
        trigger: triggerSchema.nullable(),
      }),
    }),
    schedule: z.strictObject({
      /** Hours between two runs of the expiry watch and the dashboard; 0: never on a schedule. */
      interval_hours: z
        .number()
        .min(0)
        .max(24 * 7),
    }),
    expiry: z.strictObject({
      /** The validity, in days from now, a bump asks for. */
      bump_days: z.number().int().min(1).max(3650),
      /** The command a person runs on a checkout of the branch; `{days}` is bump_days. */
      bump_command: z.string().min(1).max(500),
    }),
    dashboard: z.strictObject({
      enabled: z.boolean(),
      title: z.string().min(1).max(200),
      history_days: z.number().int().min(1).max(3650),
    }),
    bot: z.strictObject({
      branch_prefix: z
        .string()
        .min(2)
        .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/, 'must be a branch name prefix ending in "/"'),
      check_name: z.string().min(1).max(100),
    }),
  })
  .superRefine((config, ctx) => {
    const base = new Set(config.branches.base);
    for (const key of ['development', 'release', 'always_frozen'] as const) {
      config.branches[key].forEach((name, i) => {
        if (!base.has(name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['branches', key, i],
            message: `"${name}" is not listed in branches.base`,
          });
        }
      });
    }
    if (!config.snapshot_sets.some((set) => set.name === config.release.manifest_set)) {
      ctx.addIssue({
        code: 'custom',
        path: ['release', 'manifest_set'],
        message: `"${config.release.manifest_set}" is not the name of a snapshot set`,
      });
    }
    config.branches.always_frozen.forEach((name, i) => {
      if (!config.branches.release.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['branches', 'always_frozen', i],
          message: `"${name}" is not listed in branches.release`,
        });
      }
    });
  });

export type Config = z.infer<typeof configSchema>;
export type TriggerConfig = z.infer<typeof triggerSchema>;
export type SnapshotSetConfig = z.infer<typeof snapshotSetSchema>;
