/** WebAssembly binaries are bundled by esbuild's `binary` loader as their bytes. */
declare module '*.wasm' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}
