// Jest transform for the ES-module-only packages in node_modules (Nest 12's @nestjs/*, content-disposition, …).
// Node loads them from the CommonJS apps with require(esm); Jest 29's module system cannot, so each file is
// compiled to CommonJS here, one at a time, with TypeScript's transpiler (no type checking, no program).
// ES module code has three things CommonJS lacks, rewritten before the module transform:
// - `createRequire(import.meta.url)`: the module's own `require` (Jest's), so what it loads shares the test's
//   module registry (one class-validator, one @nestjs/swagger); `const require = createRequire(import.meta.url)`
//   is dropped, as CommonJS has that binding already (and a second one would not compile);
// - `import.meta.url`, `.dirname`, `.filename`: from `__filename` and `__dirname`;
// - `import()`: TypeScript's CommonJS output turns it into a `require` in a promise.
// Any other use of `import.meta` fails the transform with the file's name rather than run wrong.
// Files of CommonJS packages (no "type": "module", not .mjs) are passed through unchanged.
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const ts = require('typescript');

const COMPILER_OPTIONS = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ESNext, // nothing to lower: the files already run on every supported Node
  allowJs: true,
  esModuleInterop: true,
  removeComments: true,
};
const THIS_FILE = readFileSync(__filename, 'utf8');

const moduleTypeOfDir = new Map();
/** Whether Node treats the file as an ES module: .mjs, or .js under a package.json with "type": "module". */
function isEsm(path) {
  if (path.endsWith('.mjs')) return true;
  if (path.endsWith('.cjs')) return false;
  const seen = [];
  let dir = dirname(path);
  let esm = false;
  for (;;) {
    if (moduleTypeOfDir.has(dir)) {
      esm = moduleTypeOfDir.get(dir);
      break;
    }
    seen.push(dir);
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      manifest = undefined;
    }
    if (manifest) {
      esm = manifest.type === 'module';
      break;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const d of seen) moduleTypeOfDir.set(d, esm);
  return esm;
}

function importMetaToCommonJs(path) {
  return (context) => {
    const f = context.factory;
    const isImportMeta = (node) =>
      ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword && node.name.text === 'meta';
    const isImportMetaUrl = (node) =>
      ts.isPropertyAccessExpression(node) && isImportMeta(node.expression) && node.name.text === 'url';
    const isOwnRequire = (node) =>
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'createRequire' &&
      node.arguments.length === 1 &&
      isImportMetaUrl(node.arguments[0]);
    const declaresOwnRequire = (declaration) =>
      ts.isIdentifier(declaration.name) &&
      declaration.name.text === 'require' &&
      declaration.initializer !== undefined &&
      isOwnRequire(declaration.initializer);

    const visit = (node) => {
      if (ts.isVariableStatement(node) && node.declarationList.declarations.some(declaresOwnRequire)) {
        const kept = node.declarationList.declarations.filter((declaration) => !declaresOwnRequire(declaration));
        if (kept.length === 0) return undefined;
        const list = f.updateVariableDeclarationList(node.declarationList, kept);
        return ts.visitEachChild(f.updateVariableStatement(node, node.modifiers, list), visit, context);
      }
      if (isOwnRequire(node)) return f.createIdentifier('require');
      if (ts.isPropertyAccessExpression(node) && isImportMeta(node.expression)) {
        switch (node.name.text) {
          case 'url': {
            const url = f.createCallExpression(f.createIdentifier('require'), undefined, [f.createStringLiteral('node:url')]);
            const fileUrl = f.createCallExpression(f.createPropertyAccessExpression(url, 'pathToFileURL'), undefined, [
              f.createIdentifier('__filename'),
            ]);
            return f.createPropertyAccessExpression(fileUrl, 'href');
          }
          case 'dirname':
            return f.createIdentifier('__dirname');
          case 'filename':
            return f.createIdentifier('__filename');
        }
      }
      if (isImportMeta(node)) {
        throw new Error(`${path}: this use of import.meta has no CommonJS rewrite in scripts/jest-esm-to-cjs.js`);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return (sourceFile) => ts.visitNode(sourceFile, visit);
  };
}

module.exports = {
  getCacheKey(sourceText, sourcePath) {
    return createHash('sha256')
      .update(THIS_FILE)
      .update('\0')
      .update(ts.version)
      .update('\0')
      .update(sourcePath)
      .update('\0')
      .update(sourceText)
      .digest('hex');
  },
  process(sourceText, sourcePath) {
    if (!isEsm(sourcePath)) return { code: sourceText };
    const { outputText } = ts.transpileModule(sourceText, {
      compilerOptions: COMPILER_OPTIONS,
      fileName: sourcePath,
      reportDiagnostics: false,
      transformers: { before: [importMetaToCommonJs(sourcePath)] },
    });
    return { code: outputText };
  },
};
