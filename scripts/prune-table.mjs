// Drops the function-table entries that wasm-bindgen's build-time descriptors leave behind,
// so that wasm-opt can remove the code they keep alive (index.wasm: 1 KB raw, 0.3 KB packed).
//
// The linker puts every function whose address is taken into the table. Two kinds are taken
// only for the wasm-bindgen CLI, never called through the table at run time:
//  - closure invoke shims (`convert::closures::_::invoke::<…>`): js-sys describes one per
//    closure type it declares (typed-array callbacks and the like); the CLI reads the table to
//    find a shim and exports it by name for the JS glue, which calls the export;
//  - js-sys's JSPI task waker (`futures::jspi::task_waker::raw_*`): reached only from the
//    `__wbg_jspi_task_poll` export, which the CLI deletes in a module without JSPI exports.
// Each such entry is pointed at one trapping function; the table keeps its size and every
// other index, so the vtables in the data section stay valid.
//
// usage: node scripts/prune-table.mjs <wasm-bindgen output .wasm> (rewritten in place)
import binaryen from '../tests/node_modules/binaryen/index.js';
import { readFileSync, writeFileSync } from 'node:fs';

const DESCRIPTOR_ONLY = /closures::_::invoke::<|futures::jspi::task_waker::raw_/;
const file = process.argv[2];
const module = binaryen.readBinary(readFileSync(file));
module.setFeatures(
  binaryen.Features.MutableGlobals |
    binaryen.Features.SignExt |
    binaryen.Features.NontrappingFPToInt |
    binaryen.Features.BulkMemory |
    binaryen.Features.BulkMemoryOpt,
);
binaryen.setDebugInfo(true);

const TRAP = 'descriptor_only_table_entry';
module.addFunction(TRAP, binaryen.none, binaryen.none, [], module.unreachable());
let pruned = 0;
const segments = [];
for (let i = 0; i < module.getNumElementSegments(); i++) {
  segments.push(binaryen.getElementSegmentInfo(module.getElementSegmentByIndex(i)));
}
for (const segment of segments) {
  const offset = binaryen.getExpressionInfo(segment.offset);
  if (offset.id !== binaryen.ConstId) throw new Error(`element segment ${segment.name}: offset is not a constant`);
  const data = segment.data.map(name => (DESCRIPTOR_ONLY.test(name) ? (pruned++, TRAP) : name));
  module.removeElementSegment(segment.name);
  module.addActiveElementSegment(segment.table, segment.name, data, module.i32.const(offset.value));
}
if (pruned === 0) throw new Error('no descriptor-only table entries found: were the names stripped, or did wasm-bindgen change?');
if (!module.validate()) throw new Error('pruned module does not validate');
writeFileSync(file, module.emitBinary());
console.log(`[build] ${pruned} descriptor-only table entries pruned`);
