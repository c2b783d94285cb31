/**
 * Keeps passwords out of messages and logs: the URL's own (`USER:PASSWORD@`) and libpq's parameters that
 * hold one (`?password=`, `&sslpassword=` for the client key), however they are written.
 */
export function redactConnectionString(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@').replace(/([?&](?:ssl)?password=)[^&#]*/gi, '$1***');
}
