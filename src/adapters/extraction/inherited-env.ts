/** tinypool forks its children with only the env it is given: they get the parent's, as fork() would. */
export function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
  return env;
}
