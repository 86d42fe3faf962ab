import { serve } from './server.js';

// The entry point of `npm start`; src/server.ts says what it serves.
await serve();
