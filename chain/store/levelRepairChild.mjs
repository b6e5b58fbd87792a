// Runs LevelDB's RepairDB on the directory given as argv[2], in its own process: RepairDB asserts
// (and aborts the whole process) on some damage, e.g. a flipped byte that leaves a table's keys out
// of order, and the node must survive that to fall back to its own salvage (levelRepair.ts).
// Plain JS so it needs no TypeScript loader.
import { ClassicLevel } from 'classic-level'

const dir = process.argv[2]
if (dir === undefined) process.exit(2)
await ClassicLevel.repair(dir)
