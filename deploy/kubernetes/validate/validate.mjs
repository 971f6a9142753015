// Validates Kubernetes manifests (multi-document YAML, as `kubectl kustomize` prints them) against the Kubernetes
// API's OpenAPI schemas, as packaged by kubernetes-models: types, required fields, enums, formats. Like the API
// server's OpenAPI v2 schemas they accept fields they do not define, so a misspelt optional field (`readinesProbe`)
// passes here; tests/OrleansRelay.Tests/Deploy/KubernetesManifestTests.cs asserts the fields that matter are present.
//   node validate.mjs FILE...     (or YAML on standard input)
// Prints one line per object; exit code 1 if any object is invalid or of a kind the package does not know.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const sources = process.argv.length > 2 ? process.argv.slice(2).map((f) => [f, readFileSync(f, "utf8")]) : [["stdin", readFileSync(0, "utf8")]];
let failures = 0;
let count = 0;
for (const [file, text] of sources) {
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) {
      console.log(`${file}: YAML error: ${document.errors[0].message}`);
      failures++;
      continue;
    }
    const object = document.toJS();
    if (object === null) continue;
    if (object.kind === "Secret" && object.data) {
      // kustomize folds long base64 values into lines; the API server's decoder skips the line breaks, the schema's
      // "byte" format does not.
      for (const key of Object.keys(object.data)) object.data[key] = String(object.data[key]).replace(/\s+/g, "");
    }
    count++;
    const name = `${object.kind}/${object.metadata?.name ?? "?"}`;
    const [group, version] = object.apiVersion?.includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
    let model;
    try {
      model = (await import(`kubernetes-models/${group ? `${group}/` : ""}${version}/${object.kind}`))[object.kind];
    } catch {
      console.log(`${file}: ${name}: unknown apiVersion/kind ${object.apiVersion} ${object.kind}`);
      failures++;
      continue;
    }
    try {
      new model(object).validate();
      console.log(`${file}: ${name} (${object.apiVersion}): valid`);
    } catch (error) {
      console.log(`${file}: ${name} (${object.apiVersion}): INVALID ${error.message}`);
      failures++;
    }
  }
}
console.log(`${count} objects, ${failures} invalid`);
process.exit(failures > 0 || count === 0 ? 1 : 0);
