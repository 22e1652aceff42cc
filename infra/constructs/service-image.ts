import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';

/** The one Dockerfile of every service image; the `SERVICE` build argument picks the service. */
export const serviceDockerfile = 'services/Dockerfile';

/** The services that run as their own image (`npm run check:images` checks each). */
export const imageServices = ['edge', 'session', 'orchestrator'] as const;

/**
 * A service's image, built from `services/Dockerfile` at `cdk deploy`. Everything that runs a
 * service's image builds it here, so the same service always has the same asset (built and pushed once).
 */
export function serviceImage(
  repositoryRoot: string,
  serviceName: (typeof imageServices)[number],
  cpuArchitecture: 'ARM64' | 'X86_64',
): ecs.ContainerImage {
  return ecs.ContainerImage.fromAsset(repositoryRoot, {
    file: serviceDockerfile,
    buildArgs: { SERVICE: serviceName },
    platform: cpuArchitecture === 'ARM64' ? ecrAssets.Platform.LINUX_ARM64 : ecrAssets.Platform.LINUX_AMD64,
  });
}
