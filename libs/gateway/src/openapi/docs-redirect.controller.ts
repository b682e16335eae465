import { Controller, Get, Redirect } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/decorators';

/** `/` leads a person who opens the host in a browser to the API's documentation. */
@ApiExcludeController()
@Controller()
export class DocsRedirectController {
  @Get()
  @Public()
  @Redirect('/docs', 302)
  root(): void {}
}
