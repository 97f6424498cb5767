import tseslint from "typescript-eslint";

// The SDK stays behind each check's port: only a check's source.ts (its adapter) and the library's AWS
// layer may import it, so judging, definitions and the rest of the library stay plain data and testable
// with fixture ports. Tests drive real SDK clients against the fake endpoint, so they are exempt.
const SDK_ONLY_IN_ADAPTERS = {
  "no-restricted-imports": [
    "error",
    {
      patterns: [
        {
          group: ["@aws-sdk/*", "@smithy/*"],
          message: "AWS SDK code belongs in checks/<command>/source.ts or src/aws/ only (see docs/architecture.md).",
        },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "bench/results/"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  { files: ["**/*.ts"], ignores: ["checks/*/source.ts", "src/aws/**", "test/**", "bench/**"], rules: SDK_ONLY_IN_ADAPTERS },
  { files: ["test/**", "bench/**", "scripts/**"], rules: { "no-console": "off" } },
);
