// The package ships no types; this is the one function it exports (CommonJS `module.exports = distance`).
declare module 'jaro-winkler' {
  export default function distance(a: string, b: string, options?: { caseSensitive?: boolean }): number;
}
