import type { SecurityMeasureVocabularyEntry } from './reference.schemas.ts'

/**
 * Controlled vocabulary of technical (`T.*`) and organisational (`O.*`) measures, in the order of the
 * gdpr.md §5.1 table. `art32Points` lists the Art. 32(1) points served; the two measures that serve
 * another article (storage limitation, data protection by design) have none. `article` is the first
 * Art. 32(1) point served, unless a provision of its own asks for the measure (breach documentation
 * 33(5), incident response 33–34, DPIA 35, certification and codes of conduct 32(3)).
 */
export const securityMeasureVocabulary: readonly SecurityMeasureVocabularyEntry[] = [
  {
    code: 'T.ENC_REST',
    label: 'Encryption at rest',
    article: 'Art. 32(1)(a)',
    description: 'Encrypt stored data on disks, databases or individual fields; state the algorithm where known.',
    type: 'technical',
    art32Points: ['a']
  },
  {
    code: 'T.ENC_TRANSIT',
    label: 'Encryption in transit (TLS 1.2+)',
    article: 'Art. 32(1)(a)',
    description: 'Encrypt data moving over networks, for example with TLS 1.2 or later.',
    type: 'technical',
    art32Points: ['a']
  },
  {
    code: 'T.ENC_E2E',
    label: 'End-to-end encryption',
    article: 'Art. 32(1)(a)',
    description: 'Data is encrypted on the sender’s device and can only be decrypted by the intended recipient, not by intermediaries or the provider.',
    type: 'technical',
    art32Points: ['a']
  },
  {
    code: 'T.KEY_MGMT',
    label: 'Key management (HSM/KMS, key rotation)',
    article: 'Art. 32(1)(a)',
    description:
      'Keys are generated, stored and rotated in a controlled way, for example in an HSM or a key management service, separately from the data they protect.',
    type: 'technical',
    art32Points: ['a', 'b']
  },
  {
    code: 'T.PSEUDONYMISATION',
    label: 'Pseudonymisation',
    article: 'Art. 32(1)(a)',
    description: 'Replace direct identifiers so data can no longer be linked to a person without extra information kept separately and protected (Art. 4(5)).',
    type: 'technical',
    art32Points: ['a']
  },
  {
    code: 'T.ANONYMISATION',
    label: 'Anonymisation or aggregation before use',
    article: 'Art. 32(1)(a)',
    description: 'Data is anonymised or aggregated before use so individuals can no longer be identified.',
    type: 'technical',
    art32Points: ['a']
  },
  {
    code: 'T.MINIMISATION_MASKING',
    label: 'Data minimisation, masking, truncation',
    article: 'Art. 32(1)(a)',
    description: 'Collect and show only the data needed, masking or truncating the rest (for example truncating IP addresses).',
    type: 'technical',
    art32Points: ['a', 'b']
  },
  {
    code: 'T.ACCESS_CONTROL',
    label: 'Role- or attribute-based access control, least privilege',
    article: 'Art. 32(1)(b)',
    description: 'Access is granted by role or attribute and limited to what each user needs.',
    type: 'technical',
    art32Points: ['b']
  },
  {
    code: 'T.MFA',
    label: 'Multi-factor authentication',
    article: 'Art. 32(1)(b)',
    description: 'Users must present a second factor, such as an app code or hardware key, in addition to a password.',
    type: 'technical',
    art32Points: ['b']
  },
  {
    code: 'T.PASSWORD_POLICY',
    label: 'Strong password policy / password manager',
    article: 'Art. 32(1)(b)',
    description: 'Rules for strong, unique passwords, supported by a password manager.',
    type: 'technical',
    art32Points: ['b']
  },
  {
    code: 'T.SSO_IAM',
    label: 'Central identity management, SSO',
    article: 'Art. 32(1)(b)',
    description: 'Accounts are managed centrally with single sign-on, so access can be granted and revoked in one place.',
    type: 'technical',
    art32Points: ['b']
  },
  {
    code: 'T.PAM',
    label: 'Privileged access management',
    article: 'Art. 32(1)(b)',
    description: 'Administrator accounts are tightly controlled, for example with just-in-time access, approval and session recording.',
    type: 'technical',
    art32Points: ['b']
  },
  {
    code: 'T.LOGGING',
    label: 'Audit logging of access and changes',
    article: 'Art. 32(1)(b)',
    description: 'Who accessed or changed personal data, and when, is logged so misuse can be detected and investigated.',
    type: 'technical',
    art32Points: ['b', 'd']
  },
  {
    code: 'T.MONITORING',
    label: 'Security monitoring / SIEM / alerting',
    article: 'Art. 32(1)(b)',
    description: 'Systems are watched for suspicious activity, with alerts sent to someone who acts on them.',
    type: 'technical',
    art32Points: ['b', 'd']
  },
  {
    code: 'T.NETWORK_SECURITY',
    label: 'Firewalls, segmentation, VPN, private networking',
    article: 'Art. 32(1)(b)',
    description: 'Networks are segmented and protected by firewalls, with remote access through VPN or private links.',
    type: 'technical',
    art32Points: ['b']
  },
  {
    code: 'T.ANTI_MALWARE',
    label: 'Anti-virus / EDR',
    article: 'Art. 32(1)(b)',
    description: 'Devices and servers run anti-malware or endpoint detection and response tools.',
    type: 'technical',
    art32Points: ['b']
  },
  {
    code: 'T.PATCH_MGMT',
    label: 'Patch and vulnerability management',
    article: 'Art. 32(1)(b)',
    description: 'Software is kept up to date and known vulnerabilities are fixed within set timeframes.',
    type: 'technical',
    art32Points: ['b']
  },
  {
    code: 'T.SECURE_DEV',
    label: 'Secure development lifecycle',
    article: 'Art. 32(1)(b)',
    description: 'Software is built with security in mind: secure coding practice, code review and dependency scanning.',
    type: 'technical',
    art32Points: ['b']
  },
  {
    code: 'T.ENDPOINT_MGMT',
    label: 'Device management, full-disk encryption on laptops/phones',
    article: 'Art. 32(1)(a)',
    description: 'Laptops and phones are centrally managed, encrypted and can be locked or wiped if lost.',
    type: 'technical',
    art32Points: ['a', 'b']
  },
  {
    code: 'T.EMAIL_SECURITY',
    label: 'E-mail security (SPF/DKIM/DMARC, phishing filtering)',
    article: 'Art. 32(1)(b)',
    description: 'E-mail is protected against spoofing and phishing with SPF, DKIM, DMARC and filtering.',
    type: 'technical',
    art32Points: ['b']
  },
  {
    code: 'T.WEB_SECURITY',
    label: 'WAF, DDoS protection, security headers',
    article: 'Art. 32(1)(b)',
    description: 'Web applications are shielded by a web application firewall, DDoS protection and secure HTTP headers.',
    type: 'technical',
    art32Points: ['b']
  },
  {
    code: 'T.BACKUP',
    label: 'Regular backups',
    article: 'Art. 32(1)(c)',
    description: 'Data is backed up on a regular schedule so it can be restored after an incident.',
    type: 'technical',
    art32Points: ['c']
  },
  {
    code: 'T.BACKUP_OFFSITE_IMMUTABLE',
    label: 'Off-site / immutable / encrypted backups',
    article: 'Art. 32(1)(a)',
    description: 'Backups are kept off-site, protected from alteration (e.g. against ransomware) and encrypted.',
    type: 'technical',
    art32Points: ['a', 'c']
  },
  {
    code: 'T.RESTORE_TEST',
    label: 'Tested restore / disaster recovery / BCP',
    article: 'Art. 32(1)(c)',
    description: 'Restores and disaster recovery or business continuity plans are tested to prove availability can be restored in time.',
    type: 'technical',
    art32Points: ['c', 'd']
  },
  {
    code: 'T.REDUNDANCY',
    label: 'High availability, redundancy',
    article: 'Art. 32(1)(b)',
    description: 'Systems have redundant components or sites so a single failure does not stop the service.',
    type: 'technical',
    art32Points: ['b', 'c']
  },
  {
    code: 'T.SECURE_DELETION',
    label: 'Secure deletion / crypto-shredding, media sanitisation',
    article: 'Art. 32(1)(b)',
    description: 'Data is deleted so it cannot be recovered, by destroying keys or sanitising storage media before reuse or disposal.',
    type: 'technical',
    art32Points: ['b']
  },
  {
    code: 'T.DLP',
    label: 'Data loss prevention',
    article: 'Art. 32(1)(b)',
    description: 'Tools detect and block personal data leaving the organisation through unauthorised channels.',
    type: 'technical',
    art32Points: ['b']
  },
  {
    code: 'T.PHYSICAL',
    label: 'Physical access control for premises/data centres',
    article: 'Art. 32(1)(b)',
    description: 'Offices and data centres are protected by locks, badges, visitor logs or similar controls.',
    type: 'technical',
    art32Points: ['b']
  },
  {
    code: 'T.PENTEST',
    label: 'Penetration testing / vulnerability scanning',
    article: 'Art. 32(1)(d)',
    description: 'Systems are regularly scanned and tested by simulated attacks to find weaknesses.',
    type: 'technical',
    art32Points: ['d']
  },
  {
    code: 'O.SECURITY_POLICY',
    label: 'Information security policy, ISMS',
    article: 'Art. 32(1)(b)',
    description: 'A documented, approved security policy and management system that assigns responsibilities and is reviewed regularly.',
    type: 'organisational',
    art32Points: ['b', 'd']
  },
  {
    code: 'O.TRAINING',
    label: 'Staff awareness and training',
    article: 'Art. 32(1)(b)',
    description: 'Staff receive regular training on data protection and security, such as spotting phishing.',
    type: 'organisational',
    art32Points: ['b']
  },
  {
    code: 'O.CONFIDENTIALITY',
    label: 'Confidentiality undertakings',
    article: 'Art. 32(1)(b)',
    description: 'Staff and processors with access to personal data are bound by confidentiality obligations (Arts. 28(3)(b) and 32(4)).',
    type: 'organisational',
    art32Points: ['b']
  },
  {
    code: 'O.NEED_TO_KNOW',
    label: 'Need-to-know access; processing only on instructions',
    article: 'Art. 32(1)(b)',
    description: 'People only access the data their role requires and process it only on the controller’s instructions (Art. 32(4)).',
    type: 'organisational',
    art32Points: ['b']
  },
  {
    code: 'O.ACCESS_REVIEW',
    label: 'Periodic access reviews; joiner/mover/leaver process',
    article: 'Art. 32(1)(b)',
    description: 'Access rights are reviewed regularly and updated when people join, change role or leave.',
    type: 'organisational',
    art32Points: ['b', 'd']
  },
  {
    code: 'O.VENDOR_MGMT',
    label: 'Processor due diligence, Art. 28 contracts, audits',
    article: 'Art. 32(1)(b)',
    description: 'Processors are vetted before use, bound by an Art. 28 contract and audited or reviewed periodically.',
    type: 'organisational',
    art32Points: ['b', 'd']
  },
  {
    code: 'O.INCIDENT_RESPONSE',
    label: 'Breach and incident procedure',
    article: 'Arts. 33–34',
    description: 'A documented procedure to detect, contain and recover from incidents, including notifying breaches under Arts. 33 and 34.',
    type: 'organisational',
    art32Points: ['c']
  },
  {
    code: 'O.BREACH_REGISTER',
    label: 'Breach documentation',
    article: 'Art. 33(5)',
    description: 'Every personal data breach is recorded with its facts, effects and remedial action, whether notified or not (Art. 33(5)).',
    type: 'organisational',
    art32Points: ['d']
  },
  {
    code: 'O.RETENTION_SCHEDULE',
    label: 'Retention and deletion schedule',
    article: 'Art. 5(1)(e)',
    description: 'A schedule sets how long each kind of data is kept and when it is deleted (storage limitation).',
    type: 'organisational',
    art32Points: []
  },
  {
    code: 'O.PRIVACY_BY_DESIGN',
    label: 'Data protection by design and by default',
    article: 'Art. 25',
    description: 'Data protection is built into systems and processes from the start, and defaults collect and expose only what is needed.',
    type: 'organisational',
    art32Points: []
  },
  {
    code: 'O.DPIA_PROCESS',
    label: 'DPIA screening process',
    article: 'Art. 35',
    description: 'Activities are screened for high risk and a data protection impact assessment is carried out where required (Art. 35).',
    type: 'organisational',
    art32Points: ['d']
  },
  {
    code: 'O.AUDIT',
    label: 'Internal or external audits, compliance testing',
    article: 'Art. 32(1)(d)',
    description: 'Data protection and security measures are regularly audited or tested to check they work.',
    type: 'organisational',
    art32Points: ['d']
  },
  {
    code: 'O.CERTIFICATION',
    label: 'ISO/IEC 27001 / 27701 or Art. 42 certification',
    article: 'Art. 32(3)',
    description: 'The organisation holds a recognised security or privacy certification, such as ISO/IEC 27001/27701 or an Art. 42 certification.',
    type: 'organisational',
    art32Points: ['d']
  },
  {
    code: 'O.CODE_OF_CONDUCT',
    label: 'Adherence to an Art. 40 code of conduct',
    article: 'Art. 32(3)',
    description: 'The organisation follows an approved Art. 40 code of conduct, which can help demonstrate compliance (Art. 32(3)).',
    type: 'organisational',
    art32Points: ['d']
  },
  {
    code: 'O.CLEAN_DESK',
    label: 'Clean desk, screen lock, paper records security',
    article: 'Art. 32(1)(b)',
    description: 'Desks are cleared, screens locked when unattended and paper records kept secure.',
    type: 'organisational',
    art32Points: ['b']
  }
]
