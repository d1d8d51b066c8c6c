import {
  AwsUnreachableError,
  explainAwsEnvironmentError,
  InvalidCredentialsError,
  NoCredentialsError,
  ProfileCredentialsError,
  RegionError,
} from '../../lib/aws/eks/access-errors';

function named(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name }, extra);
}

describe("explainAwsEnvironmentError: the person's AWS set-up, said plainly", () => {
  test('no credentials in the chain: NoCredentialsError (exit 2), or ProfileCredentialsError naming --profile', () => {
    const sdk = named('CredentialsProviderError', 'Could not load credentials from any providers');
    expect(explainAwsEnvironmentError(sdk, {})).toBeInstanceOf(NoCredentialsError);
    const viaProfile = explainAwsEnvironmentError(sdk, { profile: 'ops' });
    expect(viaProfile).toBeInstanceOf(ProfileCredentialsError);
    expect((viaProfile as Error).message).toMatch(/^profile ops gives no AWS credentials/);
  });

  test.each([
    'UnrecognizedClientException',
    'InvalidSignatureException',
    'ExpiredTokenException',
    'AuthFailure',
  ])('%s: the credentials themselves were refused', (name) => {
    const explained = explainAwsEnvironmentError(
      named(name, 'The security token included in the request is invalid.'),
      {},
    );
    expect(explained).toBeInstanceOf(InvalidCredentialsError);
    expect((explained as InvalidCredentialsError).retryable).toBe(false);
    expect((explained as Error).message).toContain(`(${name})`);
  });

  test('"Region is missing" from the SDK: RegionError saying where a region comes from', () => {
    const explained = explainAwsEnvironmentError(new Error('Region is missing'), {});
    expect(explained).toBeInstanceOf(RegionError);
    expect((explained as Error).message).toContain('pass --region, set AWS_REGION');
  });

  test('no such host for a region: RegionError (exit 2) naming it; a refused connection is AwsUnreachableError (exit 1)', () => {
    const dns = named('Error', 'getaddrinfo ENOTFOUND eks.us-moon-1.amazonaws.com', { code: 'ENOTFOUND' });
    const explained = explainAwsEnvironmentError(dns, { region: 'us-moon-1' });
    expect(explained).toBeInstanceOf(RegionError);
    expect((explained as Error).message).toMatch(/^region us-moon-1 has no EKS endpoint/);
    const refused = named('Error', 'connect ECONNREFUSED 10.0.0.1:443', { code: 'ECONNREFUSED' });
    const unreachable = explainAwsEnvironmentError(refused, { region: 'eu-west-1' });
    expect(unreachable).toBeInstanceOf(AwsUnreachableError);
    expect((unreachable as AwsUnreachableError).retryable).toBe(true);
    expect((unreachable as Error).message).toMatch(/^cannot reach AWS in region eu-west-1 \(ECONNREFUSED\)/);
  });

  test('anything else is returned unchanged', () => {
    const other = named('ServerException', 'boom');
    expect(explainAwsEnvironmentError(other, {})).toBe(other);
  });
});
