// The browser talks to this app's own origin; Next passes /api/* on to the cluster. Same origin means the
// cluster's guest cookie (or chat_token) is a first-party cookie, and useChat's default URLs just work.
const CLUSTER = process.env.CHATSTREAM_URL ?? 'http://127.0.0.1:8080';

/** @type {import('next').NextConfig} */
export default {
  // Compression buffers a response before it leaves: the answer must stream token by token.
  compress: false,
  async rewrites() {
    return [{ source: '/api/:path*', destination: `${CLUSTER}/api/:path*` }];
  },
};
