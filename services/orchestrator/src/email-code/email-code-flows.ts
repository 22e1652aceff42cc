/** The pending code of an account, keyed by its account key: the latest request replaces it. */
export const emailCodeFlow = 'email_code';
/** The mailed link's token, naming the account whose code it goes with. */
export const emailCodeLinkFlow = 'email_code_link';
