// An AdmissionReview in, the review to send back out: the mutation's patch base64-encoded as
// the API server wants it, its warnings, the request's uid echoed. Always allowed: the
// injector adds files, it never refuses a pod (strict mode is failurePolicy: Fail on the
// webhook, not a denial here). Shared by `lxcfs-node mutate` and the HTTPS server.
import { mutate, type Mutation } from './mutate.js';
import { parseAdmissionReview, reviewResponse, type AdmissionReview } from './review.js';

export interface Admission {
  readonly review: AdmissionReview;
  readonly mutation: Mutation;
}

/** Throws LXCFS_ADMISSION_INVALID when `body` is not an AdmissionReview request. */
export function admit(body: unknown): Admission {
  const { request } = parseAdmissionReview(body);
  const mutation = mutate(request);
  const warnings = mutation.warnings.length > 0 ? { warnings: mutation.warnings } : {};
  const review = mutation.patch.length === 0
    ? reviewResponse({ uid: request.uid, allowed: true, ...warnings })
    : reviewResponse({
      uid: request.uid,
      allowed: true,
      patchType: 'JSONPatch',
      patch: Buffer.from(JSON.stringify(mutation.patch)).toString('base64'),
      ...warnings,
    });
  return { review, mutation };
}
