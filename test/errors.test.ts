import t from 'tap';
import { LxcfsError, errnoOf, ERROR_CODES } from '../src/errors.js';
t.test('errnoOf', async (t) => {
  t.equal(errnoOf(new LxcfsError('LXCFS_NOT_FOUND')), ERROR_CODES.LXCFS_NOT_FOUND.errno);
});
