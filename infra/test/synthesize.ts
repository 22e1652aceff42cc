import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type AuthscaleStacks, type ComposedStacks, composeAuthscale, composePipeline } from '../compose.ts';
import { loadEnvironmentConfig } from '../config/load-environment-config.ts';
import type { EnvironmentConfig, EnvironmentName } from '../config/schema.ts';
import { testDeploymentTargets } from '../config/test-deployment-targets.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

export interface Synthesized {
  readonly config: Readonly<EnvironmentConfig>;
  readonly stacks: ComposedStacks;
  readonly templates: Readonly<Record<keyof AuthscaleStacks, Template>>;
  /** The pipeline stack's template, when the deployment target names a GitHub repository. */
  readonly pipelineTemplate?: Template;
  /** The load-test stack's template, where the environment has a load test. */
  readonly loadTestTemplate?: Template;
  /** The container images `cdk deploy` would build, from the stacks' asset manifests. */
  readonly dockerImages: readonly DockerImageSource[];
  /** Every template's resources of one type, across the four stacks. */
  resourcesOfType(type: string): Array<{ stack: keyof AuthscaleStacks; id: string; resource: CfnResource }>;
}

export interface DockerImageSource {
  readonly stack: keyof AuthscaleStacks;
  /** The asset's hash: the same source builds once, however many stacks use it. */
  readonly hash: string;
  readonly dockerFile?: string;
  readonly dockerBuildArgs?: Readonly<Record<string, string>>;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/**
 * Synthesizes one environment exactly as `npm run synth` does (`cdk synth -c env=<name>` with the
 * documented test values of `test-deployment-targets.ts`): the same compose function,
 * the same cdk.json context, the AwsSolutions checks attached (an unacknowledged finding throws here).
 * The cloud assembly goes to a temp directory that is removed afterwards.
 *
 * @param candidates the environments' parameters; a test passes an altered copy to synthesize a variant.
 */
export function synthesize(
  name: EnvironmentName,
  mutate?: (stacks: AuthscaleStacks) => void,
  candidates?: Readonly<Record<string, unknown>>,
): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), `authscale-cdk-${name}-`));
  try {
    const app = new App({ outdir, context: cdkJson.context });
    const config = loadEnvironmentConfig(name, testDeploymentTargets[name], ...(candidates ? [candidates] : []));
    const stacks = composeAuthscale(app, config);
    const pipeline = composePipeline(app, config);
    mutate?.(stacks);
    const assembly = synthesizeWithReport(app, outdir);
    const templateOf = (key: keyof AuthscaleStacks) =>
      Template.fromJSON(assembly.getStackArtifact(stacks[key].artifactId).template);
    const templates = {
      network: templateOf('network'),
      data: templateOf('data'),
      services: templateOf('services'),
      edge: templateOf('edge'),
    };
    const dockerImages = (Object.keys(templates) as Array<keyof AuthscaleStacks>).flatMap((stack) => {
      const manifest = JSON.parse(readFileSync(join(outdir, `${stacks[stack].artifactId}.assets.json`), 'utf8')) as {
        dockerImages?: Record<string, { source: Omit<DockerImageSource, 'stack' | 'hash'> }>;
      };
      return Object.entries(manifest.dockerImages ?? {}).map(([hash, { source }]) => ({ stack, hash, ...source }));
    });
    return {
      config,
      stacks,
      templates,
      ...(pipeline
        ? { pipelineTemplate: Template.fromJSON(assembly.getStackArtifact(pipeline.artifactId).template) }
        : {}),
      ...(stacks.loadTest
        ? { loadTestTemplate: Template.fromJSON(assembly.getStackArtifact(stacks.loadTest.artifactId).template) }
        : {}),
      dockerImages,
      resourcesOfType(type) {
        return (Object.keys(templates) as Array<keyof AuthscaleStacks>).flatMap((stack) =>
          Object.entries(templates[stack].findResources(type)).map(([id, resource]) => ({
            stack,
            id,
            resource: resource as CfnResource,
          })),
        );
      },
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** A failed validation names only its report file, which lives in the temp directory: put the report in the error. */
function synthesizeWithReport(app: App, outdir: string) {
  try {
    return app.synth();
  } catch (error) {
    const reportFile = join(outdir, 'validation-report.json');
    if (!existsSync(reportFile)) throw error;
    throw new Error(`synth failed validation:\n${readFileSync(reportFile, 'utf8')}`, { cause: error });
  }
}
