/**
 * The AWS SDK warns, on every Node.js below 22, that its releases after January 2027 will need Node 22.
 * mlp supports Node 20 and pins the SDK's range, so the warning tells a user nothing to do: it is
 * turned off through the SDK's own switch, unless the user set that switch themselves.
 */
export function quietAwsNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
