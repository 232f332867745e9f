import type { Lang } from './index.ts'

/** The words of an identity and contact block (Arts. 13(1)(a)–(b), 30(1)(a)), the same in every document. */
export interface ContactLabels {
  controller: string
  name: string
  registrationNumber: string
  address: string
  email: string
  phone: string
  website: string
  country: string
  supervisoryAuthority: string
  dpo: string
}

export const contactLabels: Record<Lang, ContactLabels> = {
  en: {
    controller: 'Controller',
    name: 'Name',
    registrationNumber: 'Registration number',
    address: 'Address',
    email: 'Email',
    phone: 'Telephone',
    website: 'Website',
    country: 'Country',
    supervisoryAuthority: 'Supervisory authority',
    dpo: 'Data protection officer'
  },
  nb: {
    controller: 'Behandlingsansvarlig',
    name: 'Navn',
    registrationNumber: 'Organisasjonsnummer',
    address: 'Adresse',
    email: 'E-post',
    phone: 'Telefon',
    website: 'Nettsted',
    country: 'Land',
    supervisoryAuthority: 'Tilsynsmyndighet',
    dpo: 'Personvernombud'
  }
}
