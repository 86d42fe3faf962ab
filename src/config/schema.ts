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
export type SnapshotSetConfig = z.infer<typeof snapshotSetSchema>;
