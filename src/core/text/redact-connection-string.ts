/** Keeps passwords out of messages and logs. */
export function redactConnectionString(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
