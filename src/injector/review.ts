// AdmissionReview (admission.k8s.io/v1), the part a mutating webhook reads and writes. The
// client library has no types for it, so these are ours, kept to the fields we use plus the
// ones the API server requires back. parseAdmissionReview() is the one place untrusted JSON
// becomes a typed request: everything after it may rely on the shapes below.
import { LxcfsError } from '../errors.js';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

export interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

export interface AdmissionRequest {
  readonly uid: string;
  readonly kind: { readonly group: string; readonly version: string; readonly kind: string };
  readonly resource: GroupVersionResource;
  /** 'ephemeralcontainers' for `kubectl debug`; absent for the pod itself. */
  readonly subResource?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  /** The object as it will be stored (for pods: a Pod); untrusted shape beyond being an object. */
  readonly object?: Record<string, unknown>;
  readonly dryRun?: boolean;
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly patchType?: 'JSONPatch';
  /** base64 of the JSON patch. */
  readonly patch?: string;
  readonly warnings?: readonly string[];
  readonly status?: { readonly code: number; readonly message: string };
}

export interface AdmissionReview {
  readonly apiVersion: typeof ADMISSION_API_VERSION;
  readonly kind: 'AdmissionReview';
  readonly request?: AdmissionRequest;
  readonly response?: AdmissionResponse;
}

const OPERATIONS = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(detail: string): never {
  throw new LxcfsError('LXCFS_ADMISSION_INVALID', detail);
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') invalid(`${field} must be a string`);
  return value;
}

function optionalText(value: unknown, field: string): string | undefined {
  return value === undefined ? undefined : text(value, field);
}

/** The request of an AdmissionReview, checked field by field; throws LXCFS_ADMISSION_INVALID. */
export function parseAdmissionReview(body: unknown): AdmissionReview & { readonly request: AdmissionRequest } {
  if (!isObject(body)) invalid('the body is not a JSON object');
  if (body.apiVersion !== ADMISSION_API_VERSION) invalid(`apiVersion must be ${ADMISSION_API_VERSION}, got ${JSON.stringify(body.apiVersion)}`);
  if (body.kind !== 'AdmissionReview') invalid(`kind must be AdmissionReview, got ${JSON.stringify(body.kind)}`);
  const r = body.request;
  if (!isObject(r)) invalid('request is missing');
  const uid = text(r.uid, 'request.uid');
  if (uid === '') invalid('request.uid is empty');
  if (!isObject(r.kind)) invalid('request.kind is missing');
  if (!isObject(r.resource)) invalid('request.resource is missing');
  const operation = text(r.operation, 'request.operation');
  if (!OPERATIONS.has(operation)) invalid(`request.operation ${JSON.stringify(operation)} is unknown`);
  if (r.object !== undefined && r.object !== null && !isObject(r.object)) invalid('request.object must be an object');
  const request: AdmissionRequest = {
    uid,
    kind: { group: text(r.kind.group ?? '', 'request.kind.group'), version: text(r.kind.version, 'request.kind.version'), kind: text(r.kind.kind, 'request.kind.kind') },
    resource: {
      group: text(r.resource.group ?? '', 'request.resource.group'),
      version: text(r.resource.version, 'request.resource.version'),
      resource: text(r.resource.resource, 'request.resource.resource'),
    },
    subResource: optionalText(r.subResource, 'request.subResource'),
    name: optionalText(r.name, 'request.name'),
    namespace: optionalText(r.namespace, 'request.namespace'),
    operation: operation as AdmissionRequest['operation'],
    object: isObject(r.object) ? r.object : undefined,
    dryRun: r.dryRun === true,
  };
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', request };
}

/** The review the API server expects back: same apiVersion and kind, the request's uid. */
export function reviewResponse(response: AdmissionResponse): AdmissionReview {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}
