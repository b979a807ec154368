// Imported first by the terminal entry points (the CLI, `npm start`, soak, uplift). On Node 20 the AWS SDK warns at
// its first client that its releases after January 2027 need Node 22; in a terminal that warning buries the output a
// developer asked for. This is AWS's documented switch (aws/aws-sdk-js-v3#7983). Lambda runs Node 22 and never warns,
// and it does not import this file. A variable the user set wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export {};
