import { startRegistry } from './start-registry';

void startRegistry();
