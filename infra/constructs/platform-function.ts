import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { envRecord, PlatformEnv } from '../../shared/platform/env';
import { LAMBDA_ESBUILD, LAZY_PACKAGES, lazyPackageCommand } from '../bundling';
import { platformLogGroup } from './log-groups';
import type { LogSettings } from './log-groups';

/** Properties of a {@link PlatformFunction}. */
export interface PlatformFunctionProps extends Omit<
  NodejsFunctionProps,
  'entry' | 'handler' | 'runtime' | 'architecture' | 'bundling' | 'projectRoot' | 'logGroup'
> {
  /** Absolute path of the repository root (holds package-lock.json). */
  readonly projectRoot: string;
  /** Entry module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  /** Retention, removal and key of the function's log group. */
  readonly logs: LogSettings;
}

/** Runtime every function of the platform runs on. */
export const PLATFORM_RUNTIME = Runtime.NODEJS_22_X;

/**
 * A Lambda function of the platform with the shared defaults: Node.js 22 on
 * arm64, bundled by the local esbuild (never Docker), minified with source
 * maps, the lazy packages in files of their own (infra/bundling.ts), X-Ray tracing, and its own log group (the stack's {@link LogSettings}).
 *
 * @example
 * ```ts
 * new PlatformFunction(this, 'Publish', {
 *   projectRoot, entry: 'functions/publish/handler.ts', logs,
 * });
 * ```
 */
export class PlatformFunction extends NodejsFunction {
  public constructor(scope: Construct, id: string, props: PlatformFunctionProps) {
    const { projectRoot, entry, logs, environment, ...rest } = props;
    const logGroup = platformLogGroup(scope, `${id}LogGroup`, logs);
    super(scope, id, {
      timeout: Duration.seconds(30),
      memorySize: 512,
      tracing: Tracing.ACTIVE,
      ...rest,
      entry: join(projectRoot, entry),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      runtime: PLATFORM_RUNTIME,
      architecture: Architecture.ARM_64,
      logGroup,
      environment: {
        ...envRecord([[PlatformEnv.NodeOptions, '--enable-source-maps']]),
        ...environment,
      },
      bundling: {
        minify: LAMBDA_ESBUILD.minify,
        sourceMap: true,
        sourcesContent: false,
        target: LAMBDA_ESBUILD.target,
        format: OutputFormat.CJS,
        forceDockerBundling: false,
        mainFields: [...LAMBDA_ESBUILD.mainFields],
        externalModules: [...LAMBDA_ESBUILD.external, ...LAZY_PACKAGES],
        esbuildArgs: Object.fromEntries(
          Object.entries(LAMBDA_ESBUILD.supported).map(([feature, on]) => [
            `--supported:${feature}`,
            String(on),
          ]),
        ),
        // Each lazy package the handler references gets its own file beside it (infra/bundling.ts).
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) =>
            LAZY_PACKAGES.map((name) => lazyPackageCommand(name, outputDir)),
        },
      },
    });
  }
}
