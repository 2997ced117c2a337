// What one simulate option is (its flag, help and default), and the raw values flags give: the
// vocabulary of the option table (options.ts) and of reading options from the environment (env.ts).

/** Raw flag values as commander gives them (strings, booleans, string arrays), or typed values. */
export type SimFlags = Readonly<Record<string, unknown>>;

export type OptionSpec = Readonly<{
  /** commander syntax: `--rps <n>`; a flag without `<value>` is a switch. */
  flags: string;
  description: string;
  /** Shown in --help and parsed like a given value; undefined: no default. */
  defaultValue?: string;
  isRepeatable?: boolean;
  /** An environment variable read when the flag is not given (a Job's pods share one setting). */
  env?: string;
}>;
