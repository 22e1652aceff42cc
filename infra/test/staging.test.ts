import { describeEnvironment } from './environment-assertions.ts';

describeEnvironment('staging');
