// winston logging: JSON lines for machines, or a compact pretty format for people.
// Modules take `logger.child({ module })` and log a message plus a context object.
import winston from 'winston'
import type { LogFormat, LogLevel } from './config.js'

export type Logger = winston.Logger

export function createLogger (level: LogLevel, format: LogFormat, stream: NodeJS.WritableStream = process.stdout): Logger {
  const fmt = format === 'json'
    ? winston.format.combine(winston.format.timestamp(), winston.format.json())
    : winston.format.combine(
      winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
      winston.format.printf(({ timestamp, level, message, module, ...rest }) => {
        const ctx = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ')
        return `${String(timestamp)} ${level.toUpperCase().padEnd(5)} ${module !== undefined ? `[${String(module)}] ` : ''}${String(message)}${ctx ? ' ' + ctx : ''}`
      })
    )
  return winston.createLogger({ level, format: fmt, transports: [new winston.transports.Stream({ stream })] })
}
