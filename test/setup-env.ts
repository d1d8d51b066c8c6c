import fc from 'fast-check';
import { MUTATION_RUNS, underMutationTesting } from './support/property-runs';

// Silence the AWS SDK's Node 20 support notice in test output (TOOLCHAIN.md).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Mutation testing: fewer property runs, from one seed (see support/property-runs.ts).
if (underMutationTesting()) fc.configureGlobal({ numRuns: MUTATION_RUNS, seed: 20_261_202 });
