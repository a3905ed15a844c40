import { RegistrationService } from '@nest-discovery/discovery';
import { Controller, Get } from '@nestjs/common';
import { version } from '../../../package.json';

export interface CalcInfo {
  service: string;
  version: string;
  instanceId: string | undefined;
  host: string;
  port: number | undefined;
}

@Controller('info')
export class InfoController {
  constructor(private readonly registration: RegistrationService) {}

  @Get()
  info(): CalcInfo {
    const { instanceId, host, port } = this.registration.state();
    return { service: 'calc', version, instanceId, host, port };
  }
}
