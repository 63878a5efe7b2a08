/** One invalid environment variable and what it may be instead. */
export interface ConfigIssue {
  variable: string;
  message: string;
}

/** Raised by createConfig with every invalid variable at once. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map((i) => `${i.variable}: ${i.message}`).join("\n"));
    this.name = "ConfigError";
  }
}

/** A start-up problem the operator can fix; printed as one line, no stack. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

/** A problem in one content file: the file and the field are named. */
export class ContentError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}: ${field}: ${problem}`);
    this.name = "ContentError";
  }
}
