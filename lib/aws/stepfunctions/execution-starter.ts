import type { ExecutionStarter } from '../../ports';
import type { StepFunctionsClient } from './step-functions-client';

/**
 * The trigger's starter over Step Functions: DescribeExecution to find an execution
 * by name, StartExecution to start one (ExecutionAlreadyExists answered as data).
 */
export function stepFunctionsStarter(
  stepFunctions: StepFunctionsClient,
  stateMachineArn: string,
): ExecutionStarter {
  return {
    find: (name, input) => stepFunctions.findExecution(stateMachineArn, name, input),
    start: (name, input) => stepFunctions.startNamed(stateMachineArn, name, input),
  };
}
