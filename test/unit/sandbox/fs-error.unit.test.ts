import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAccessError } from '../../../lib/sandbox/fs-error';
import { JsonStateFile } from '../../../lib/sandbox/state-store';

const errno = (code: string) => Object.assign(new Error(`${code}: raw`), { code, syscall: 'open' });

describe('filesystem errors name the path and the cause', () => {
  test.each([
    ['EACCES', 'EACCES (permission denied)', false],
    ['ENOTDIR', 'ENOTDIR (a part of the path is not a directory)', false],
    ['EROFS', 'EROFS (read-only file system)', false],
    ['ENOSPC', 'ENOSPC (no space left on the device)', true],
    ['EIO', 'EIO (input/output error)', true],
    ['EWHATEVER', 'EWHATEVER', true],
  ])(
    '%s: the cause in words; retryable (exit 1) only when it is not the path given',
    (code, cause, retryable) => {
      const error = new FileAccessError('write the sandbox state file', '/state/locks.json', errno(code));
      expect(error).toMatchObject({
        name: 'FileAccessError',
        code,
        retryable,
        message: `cannot write the sandbox state file /state/locks.json: ${cause}`,
      });
    },
  );

  test('a state file that cannot be written is a FileAccessError naming it, not a raw fs error', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'eua-fs-')), 'file');
    writeFileSync(file, '');
    const state = new JsonStateFile(join(file, 'locks.json'), (raw) => raw);
    expect(() => state.save({})).toThrow(
      expect.objectContaining({
        name: 'FileAccessError',
        message: `cannot write the sandbox state file ${join(file, 'locks.json')}: EEXIST (something already exists there, perhaps a file where a directory is needed)`,
      }),
    );
    expect(() => new JsonStateFile(file.replace(/file$/, ''), (raw) => raw).load()).toThrow(
      expect.objectContaining({
        name: 'FileAccessError',
        message: expect.stringContaining('EISDIR (it is a directory)'),
      }),
    );
  });
});
