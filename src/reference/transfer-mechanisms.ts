import type { TransferMechanism } from './reference.schemas.ts'

/**
 * Chapter V transfer tools (gdpr.md §3.2 to §3.5), in the order they must be considered:
 * adequacy, then Art. 46 safeguards or Art. 47 BCRs, and only then Art. 49 derogations.
 */
export const transferMechanisms: readonly TransferMechanism[] = [
  {
    code: '45',
    label: 'Adequacy decision',
    article: 'Art. 45',
    description:
      'The Commission has found that the destination (or a sector of it) protects data adequately, so no further safeguard is needed. Check partial decisions (e.g. US: DPF List) cover the importer.',
    category: 'adequacy'
  },
  {
    code: '46.2.a',
    label: 'Instrument between public authorities',
    article: 'Art. 46(2)(a)',
    description: 'A legally binding and enforceable instrument between public authorities or bodies; no authorisation needed.',
    category: 'safeguard'
  },
  {
    code: '46.2.b',
    label: 'Binding corporate rules',
    article: 'Art. 46(2)(b)',
    description: 'Transfers within a group under approved binding corporate rules (Art. 47), used as an Art. 46 safeguard.',
    category: 'safeguard'
  },
  {
    code: '46.2.c',
    label: 'Commission standard contractual clauses (SCCs)',
    article: 'Art. 46(2)(c)',
    description:
      'Standard clauses adopted by the Commission, currently Implementing Decision (EU) 2021/914 with modules 1 (controller to controller), 2 (controller to processor), 3 (processor to processor) and 4 (processor to controller). Pair with a transfer impact assessment.',
    category: 'safeguard'
  },
  {
    code: '46.2.d',
    label: 'Supervisory authority standard clauses',
    article: 'Art. 46(2)(d)',
    description: 'Standard data protection clauses adopted by a supervisory authority and approved by the Commission.',
    category: 'safeguard'
  },
  {
    code: '46.2.e',
    label: 'Approved code of conduct',
    article: 'Art. 46(2)(e)',
    description: 'An approved Art. 40 code of conduct together with binding and enforceable commitments by the importer to apply the safeguards.',
    category: 'safeguard'
  },
  {
    code: '46.2.f',
    label: 'Approved certification',
    article: 'Art. 46(2)(f)',
    description: 'An approved Art. 42 certification mechanism together with binding and enforceable commitments by the importer to apply the safeguards.',
    category: 'safeguard'
  },
  {
    code: '46.3.a',
    label: 'Ad hoc contractual clauses (authorised)',
    article: 'Art. 46(3)(a)',
    description: 'Bespoke contract clauses between exporter and importer; they need authorisation from the competent supervisory authority before use.',
    category: 'authorised_safeguard'
  },
  {
    code: '46.3.b',
    label: 'Administrative arrangements between public authorities (authorised)',
    article: 'Art. 46(3)(b)',
    description:
      'Provisions in administrative arrangements between public authorities or bodies that give data subjects enforceable and effective rights; they need supervisory authority authorisation.',
    category: 'authorised_safeguard'
  },
  {
    code: '47',
    label: 'Binding corporate rules (BCR)',
    article: 'Art. 47',
    description:
      'Group-wide rules approved by the competent supervisory authority that bind every group member and give data subjects enforceable rights. Check the destination is among the countries they cover.',
    category: 'bcr'
  },
  {
    code: '49.1.a',
    label: 'Explicit consent to the transfer',
    article: 'Art. 49(1)(a)',
    description:
      'The data subject explicitly consented to this transfer after being told of its risks. Only when no adequacy or safeguard exists; not for public authorities using their powers.',
    category: 'derogation'
  },
  {
    code: '49.1.b',
    label: 'Contract with the data subject',
    article: 'Art. 49(1)(b)',
    description:
      'Needed to perform a contract with the data subject or pre-contract steps they requested. Meant for occasional transfers (EDPB); not for public authorities using their powers.',
    category: 'derogation'
  },
  {
    code: '49.1.c',
    label: 'Contract in the data subject’s interest',
    article: 'Art. 49(1)(c)',
    description:
      'Needed to conclude or perform a contract made in the data subject’s interest between the controller and another party. Meant for occasional transfers (EDPB); not for public authorities using their powers.',
    category: 'derogation'
  },
  {
    code: '49.1.d',
    label: 'Important reasons of public interest',
    article: 'Art. 49(1)(d)',
    description: 'Needed for important reasons of public interest recognised in Union or Member State law (Art. 49(4)).',
    category: 'derogation'
  },
  {
    code: '49.1.e',
    label: 'Legal claims',
    article: 'Art. 49(1)(e)',
    description: 'Needed to establish, exercise or defend legal claims. Meant for occasional, non-systematic transfers (EDPB).',
    category: 'derogation'
  },
  {
    code: '49.1.f',
    label: 'Vital interests',
    article: 'Art. 49(1)(f)',
    description: 'Needed to protect the vital interests of the data subject or others when the data subject is physically or legally unable to consent.',
    category: 'derogation'
  },
  {
    code: '49.1.g',
    label: 'Public register',
    article: 'Art. 49(1)(g)',
    description:
      'Transfer from a register that Union or Member State law opens to the public, within its consultation conditions; never the whole register or whole categories of it (Art. 49(2)).',
    category: 'derogation'
  },
  {
    code: '49.1.sub2',
    label: 'Compelling legitimate interests',
    article: 'Art. 49(1), second subparagraph',
    description:
      'Last resort for a non-repetitive transfer about few data subjects, needed for compelling legitimate interests, after assessing the circumstances and adding safeguards. Notify the supervisory authority, inform data subjects and document it in the record (Art. 49(6)); not for public authorities using their powers.',
    category: 'derogation'
  }
]
