// Validates API answers against the component schemas of a live /openapi.json with Ajv (JSON
// Schema 2020-12, the dialect of OpenAPI 3.1). Formats are not checked (no format plugin).
import { Ajv2020 } from 'ajv/dist/2020.js'

export type Validate = (schemaName: string, value: unknown) => string | undefined

export function schemaValidator (doc: Record<string, unknown>): Validate {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true })
  ajv.addSchema({ ...doc, $id: 'api' })
  return (name, value) => {
    const v = ajv.getSchema(`api#/components/schemas/${name}`)
    if (v === undefined) return `no schema ${name}`
    return v(value) ? undefined : ajv.errorsText(v.errors, { dataVar: name })
  }
}
