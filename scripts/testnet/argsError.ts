// A usage error of the testnet tool's command line (exit status 2).
export class ArgsError extends Error {}
