// The injector's own certificates: a CA the API server trusts (its PEM goes into the webhook
// configuration's caBundle) and a serving certificate for the Service's DNS names signed by it.
// Generated with @peculiar/x509 over WebCrypto, ECDSA P-256: fast to make (no RSA key search on
// a start-up path), accepted by every API server. Nothing here does I/O or reads the clock: the
// caller passes `now`, so expiry and rotation are testable.
import { X509Certificate, createPrivateKey, webcrypto } from 'node:crypto';
// @peculiar/x509 2.x resolves its parts through tsyringe, which needs the Reflect metadata
// API installed before the library loads (1.x bundled this import; 2.x leaves it to us).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

/** Node's WebCrypto, as the type the library declares (the DOM's, which this build has no lib for). */
type LibraryCrypto = NonNullable<Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1]>;
const crypto = webcrypto as unknown as LibraryCrypto;
const ALGORITHM: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
type LibraryKeyPair = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'];
const DAY_MS = 86_400_000;

export interface CertificatePem {
  readonly cert: string;
  readonly key: string;
}

export interface Certificates {
  readonly ca: CertificatePem;
  readonly serving: CertificatePem;
}

export interface IssueOptions {
  /** The Service's names: `svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`. */
  readonly dnsNames: readonly string[];
  readonly now: Date;
  readonly caValidityDays?: number;
  readonly servingValidityDays?: number;
}

/** The names the API server may use to reach a Service. */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** Backdated a little: a node whose clock is behind must not see a certificate from the future. */
function validity(now: Date, days: number): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(now.getTime() - 5 * 60_000), notAfter: new Date(now.getTime() + days * DAY_MS) };
}

export async function issueCa(now: Date, validityDays = 3650): Promise<CertificatePem> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as LibraryKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=lxcfs-node injector CA',
    keys,
    signingAlgorithm: ALGORITHM,
    ...validity(now, validityDays),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
    ],
  }, crypto);
  return { cert: ca.toString('pem'), key: await keyPem(keys.privateKey as unknown as webcrypto.CryptoKey) };
}

/** A serving certificate signed by an existing CA: rotating it leaves the caBundle as it is. */
export async function issueServing(ca: CertificatePem, dnsNames: readonly string[], now: Date, validityDays = 365): Promise<CertificatePem> {
  if (dnsNames.length === 0) throw new Error('a serving certificate needs at least one DNS name');
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(ca.key), ALGORITHM, false, ['sign']);
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as LibraryKeyPair;
  const serving = await x509.X509CertificateGenerator.create({
    subject: `CN=${dnsNames[0]}`,
    issuer: caCert.subject,
    publicKey: keys.publicKey,
    signingKey: caKey as unknown as LibraryKeyPair['privateKey'],
    signingAlgorithm: ALGORITHM,
    ...validity(now, validityDays),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: 'dns' as const, value }))),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false, crypto),
    ],
  }, crypto);
  return { cert: serving.toString('pem'), key: await keyPem(keys.privateKey as unknown as webcrypto.CryptoKey) };
}

/** A new CA and a serving certificate from it. */
export async function issueCertificates(options: IssueOptions): Promise<Certificates> {
  if (options.dnsNames.length === 0) throw new Error('a serving certificate needs at least one DNS name');
  const ca = await issueCa(options.now, options.caValidityDays);
  return { ca, serving: await issueServing(ca, options.dnsNames, options.now, options.servingValidityDays) };
}

export function expiryOf(certPem: string): Date {
  return new Date(new X509Certificate(certPem).validTo);
}

/**
 * Due for renewal once less than a third of its lifetime is left (at 365 days: ~4 months
 * ahead), so a replica that was down for weeks still renews long before anything expires.
 */
export function renewalDue(certPem: string, now: Date): boolean {
  const cert = new X509Certificate(certPem);
  const from = new Date(cert.validFrom).getTime();
  const to = new Date(cert.validTo).getTime();
  return now.getTime() >= to - (to - from) / 3;
}

/** The set is whole: the serving cert is signed by the CA, matches its key, names every DNS name. */
export function certificatesUsable(certs: Certificates, dnsNames: readonly string[], now: Date): boolean {
  try {
    const ca = new X509Certificate(certs.ca.cert);
    const serving = new X509Certificate(certs.serving.cert);
    if (!serving.verify(ca.publicKey) || !serving.checkPrivateKey(createPrivateKey(certs.serving.key))) return false;
    if (!dnsNames.every((name) => serving.checkHost(name, { subject: 'never' }) === name)) return false;
    return now.getTime() < new Date(serving.validTo).getTime() && now.getTime() < new Date(ca.validTo).getTime();
  } catch {
    return false;
  }
}
