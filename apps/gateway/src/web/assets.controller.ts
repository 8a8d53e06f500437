import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { STYLESHEET } from './stylesheet';

@ApiExcludeController()
@Controller('assets')
export class AssetsController {
  @Get('carevault.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'public, max-age=3600')
  stylesheet(): string {
    return STYLESHEET;
  }
}
