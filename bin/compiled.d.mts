// Types of compiled.mjs (plain JavaScript, so the launcher and the build run before anything is compiled).
export declare const SOURCE_DIRS: string[]
export declare const COPIED_DIRS: string[]
export declare const STAMP: string
export declare function sourceFiles (root: string): string[]
export type DistState = 'fresh' | 'stale' | 'missing'
export declare function distState (root: string): DistState
export declare function requireBuilt (root: string): void
